-- One row per source id that can identify a customer (a node of the identity graph): CRM
-- contacts, shop accounts, orders (so that guest orders are nodes), support tickets and
-- browsers. Each with the day it was first delivered, which decides the anchor of its
-- customer (int_customer_identities), and the current attributes the probabilistic links
-- compare (int_identity_match_pairs).
-- The sightings of an id are every record naming it in the base models (every delivered
-- version, quarantined ones aside), which only grow: so an incremental run reads the records
-- ingested since its watermark, and a node it sights keeps the earlier of its stored and its
-- new first delivery and takes its current attributes again. A privacy operation deletes or
-- anonymises records (forget_customer, purge_expired_bronze): after one, and on a table
-- without the watermark column, the run builds every node again from scratch
-- (macro incremental_rebuild_needed; the pre-hook incremental_rebuild_reset empties the
-- table first), as a full refresh would.
{{ config(
    materialized='incremental',
    unique_key='node_key',
    pre_hook="{{ incremental_rebuild_reset() }}",
) }}

{%- set is_batch = is_incremental() and not incremental_rebuild_needed(reason_logged=true) %}
{%- set watermark = last_ingested_at() if is_batch else none %}

with crm_versions as (
    {{ identity_sightings('base_crm__customers', watermark) }}
),

order_versions as (
    {{ identity_sightings('base_ecommerce__orders', watermark) }}
),

ticket_changes as (
    {{ identity_sightings('base_support__ticket_changes', watermark) }}
),

account_links as (
    {{ identity_sightings('base_crm__account_links', watermark) }}
),

web_events as (
    {{ identity_sightings('base_web__events', watermark) }}
),

contacts as (
    select * from {{ ref('stg_crm__customers') }}
),

orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

-- every record naming a source id, with its file
sightings as (
    select
        'crm' as node_type,
        crm_id as source_id,
        _source_file,
        _ingested_at
    from crm_versions
    union all
    select
        'order' as node_type,
        order_id as source_id,
        _source_file,
        _ingested_at
    from order_versions
    union all
    select
        'account' as node_type,
        shop_account_id as source_id,
        _source_file,
        _ingested_at
    from order_versions
    where shop_account_id is not null
    union all
    select
        'ticket' as node_type,
        ticket_id as source_id,
        _source_file,
        _ingested_at
    from ticket_changes
    union all
    select
        'crm' as node_type,
        crm_id as source_id,
        _source_file,
        _ingested_at
    from account_links
    union all
    select
        'account' as node_type,
        shop_account_id as source_id,
        _source_file,
        _ingested_at
    from account_links
),

-- web events are many: one sighting per browser and per logged-in account and file
web_sightings as (
    select
        'browser' as node_type,
        anonymous_id as source_id,
        _source_file,
        _ingested_at
    from web_events
    group by anonymous_id, _source_file, _ingested_at
    union all
    select
        'account' as node_type,
        shop_account_id as source_id,
        _source_file,
        _ingested_at
    from web_events
    where shop_account_id is not null
    group by shop_account_id, _source_file, _ingested_at
),

all_sightings as (
    select * from sightings
    union all
    select * from web_sightings
),

-- the delivery day of each file (the date in its name, else the day it was ingested: macro
-- landing_delivery_date), worked out once per file rather than once per record
delivery_days as (
    select
        _source_file,
        _ingested_at,
        {{ landing_delivery_date('_source_file', '_ingested_at') }} as delivered_date
    from (
        select distinct
            _source_file,
            _ingested_at
        from all_sightings
    ) as files
),

sighted_nodes as (
    select
        all_sightings.node_type,
        all_sightings.source_id,
        min(delivery_days.delivered_date) as first_delivered_date,
        max(all_sightings._ingested_at) as _ingested_at
    from all_sightings
    inner join delivery_days
        on
            all_sightings._source_file = delivery_days._source_file
            and all_sightings._ingested_at = delivery_days._ingested_at
    group by all_sightings.node_type, all_sightings.source_id
),

-- a node sighted before keeps its earlier first delivery
first_deliveries as (
    {%- if is_batch %}
        select
            sighted_nodes.node_type,
            sighted_nodes.source_id,
            least(
                stored_nodes.first_delivered_date, sighted_nodes.first_delivered_date
            ) as first_delivered_date,
            sighted_nodes._ingested_at
        from sighted_nodes
        left join {{ this }} as stored_nodes
            on concat(sighted_nodes.node_type, ':', sighted_nodes.source_id) = stored_nodes.node_key
    {%- else %}
        select * from sighted_nodes
    {%- endif %}
),

-- the current attributes of the records that carry a name or a contact point
attributes as (
    select
        'crm' as node_type,
        crm_id as source_id,
        first_name,
        last_name,
        city,
        country_code,
        email_normalised,
        phone_national_number
    from contacts
    union all
    select
        'order' as node_type,
        order_id as source_id,
        null as first_name,
        null as last_name,
        null as city,
        null as country_code,
        email_normalised,
        phone_national_number
    from orders
    union all
    select
        'ticket' as node_type,
        ticket_id as source_id,
        null as first_name,
        null as last_name,
        null as city,
        null as country_code,
        email_normalised,
        phone_national_number
    from tickets
),

final as (
    select
        -- ids
        concat(first_deliveries.node_type, ':', first_deliveries.source_id) as node_key,
        first_deliveries.node_type,
        first_deliveries.source_id,

        -- strings
        cast(attributes.first_name as {{ dbt.type_string() }}) as first_name,
        cast(attributes.last_name as {{ dbt.type_string() }}) as last_name,
        cast(attributes.city as {{ dbt.type_string() }}) as city,
        cast(attributes.country_code as {{ dbt.type_string() }}) as country_code,
        cast(attributes.email_normalised as {{ dbt.type_string() }}) as email_normalised,
        cast(attributes.phone_national_number as {{ dbt.type_string() }})
            as phone_national_number,

        -- dates
        first_deliveries.first_delivered_date,

        -- lineage
        first_deliveries._ingested_at
    from first_deliveries
    left join attributes
        on
            first_deliveries.node_type = attributes.node_type
            and first_deliveries.source_id = attributes.source_id
)

select * from final
