-- The deterministic links between source ids (nodes of int_identity_nodes), one row per
-- linked pair and kind:
--   crosswalk  CRM contact - shop account, from the CRM's account links (an account's last,
--              unless a later row removes that link: is_deleted)
--   account    order - the shop account it was placed with
--   login      browser - the shop account it logged in as (a browser that logged in as
--              several accounts is a shared device and links none of them)
--   email      every node carrying the same normalised email
--   phone      every node carrying the same national phone number (where it is written
--              with two calling codes, the same E.164 number: a phone of each country; a
--              CRM phone written with its country's code and no `+`, also its digits whole)
-- Nodes sharing an email or a phone are linked as a star to the smallest node key of the
-- group, not pairwise: the same components, with as many edges as nodes. Household emails
-- and phones (int_identity_shared_contact_points) link nothing.
-- Incremental (merge on the pair and kind): a run finds every link again and writes only the
-- difference with the stored ones. A new link (or one found again) gets the run's time as
-- _linked_at; a stored link no longer found keeps its row, with the run's time as
-- _unlinked_at. The links that hold are those without _unlinked_at. So
-- int_identity_rule_components finds the nodes whose links changed from the few rows a run
-- wrote, instead of hashing every node's links. A table without the _linked_at column, and
-- every table after a privacy operation (forget_customer deletes the rows of the forgotten
-- nodes), is built again from the current links (macro incremental_rebuild_needed).
{{ config(
    materialized='incremental',
    unique_key=['node_key_a', 'node_key_b', 'edge_type'],
    pre_hook="{{ incremental_rebuild_reset('_linked_at', ['_unlinked_at']) }}",
) }}

{%- set is_batch = is_incremental() and not incremental_rebuild_needed(
    '_linked_at', reason_logged=true) %}

with crm_versions as (
    select * from {{ ref('base_crm__customers') }}
    where not _is_quarantined
),

orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

web_events as (
    select * from {{ ref('stg_web__events') }}
),

-- the crosswalk rows, but those whose is_deleted does not read (warn rule
-- values_are_readable): they may remove a link or make one
crosswalk_rows as (
    select * from {{ ref('base_crm__account_links') }}
    where not _is_quarantined and _unreadable_values is null
),

-- the rows that make a link (is_deleted: null on the rows a warehouse stored before the
-- column existed, which are links)
account_links as (
    select * from crosswalk_rows
    where not coalesce(is_deleted, false)
),

-- the rows that remove one, the last of each link
link_removals as (
    select
        crm_id,
        shop_account_id,
        max(_record_id) as removed_record_id
    from crosswalk_rows
    where is_deleted
    group by crm_id, shop_account_id
),

-- an account's contact is the one of the link delivered last (a later file, or further down
-- the same file): a CRM that re-points an account to another contact (a link made in error,
-- then fixed) sends the new link, not a delete of the old one, and two people must not become
-- one customer through the account; a full export sends the current links again. A removal
-- of that link delivered after it leaves the account no contact's; a removal of a link the
-- account had already left changes nothing
last_account_links as (
    {{ latest_version_per_key('account_links', 'shop_account_id', '_record_id desc') }}
),

current_account_links as (
    select last_account_links.*
    from last_account_links
    left join link_removals
        on
            last_account_links.crm_id = link_removals.crm_id
            and last_account_links.shop_account_id = link_removals.shop_account_id
    where
        link_removals.removed_record_id is null
        or link_removals.removed_record_id < last_account_links._record_id
),

shared_contact_points as (
    select * from {{ ref('int_identity_shared_contact_points') }}
),

-- every email and phone a node carries (a CRM contact: in any of its versions), a phone with
-- its E.164 form, and that form again when the phone was written with its calling code (an
-- order's or a ticket's E.164 form always was: they have no country)
contact_points as (
    select
        concat('crm:', crm_id) as node_key,
        'email' as point_type,
        email_normalised as point_value,
        cast(null as {{ dbt.type_string() }}) as phone_e164,
        cast(null as {{ dbt.type_string() }}) as dialled_e164
    from crm_versions
    union all
    select
        concat('crm:', crm_id) as node_key,
        'phone' as point_type,
        phone_national_number as point_value,
        phone_e164,
        case when trim(phone) like '+%' or trim(phone) like '00%' then phone_e164 end
            as dialled_e164
    from crm_versions
    union all
    -- a phone written with the contact's country code and no `+` (49 175 6516882) is also
    -- its digits whole, as an order or a ticket, which have no country, reads it
    select
        concat('crm:', crm_id) as node_key,
        'phone' as point_type,
        phone_digits as point_value,
        cast(null as {{ dbt.type_string() }}) as phone_e164,
        cast(null as {{ dbt.type_string() }}) as dialled_e164
    from (
        select
            crm_id,
            phone,
            phone_national_number,
            {{ phone_digits('phone') }} as phone_digits
        from crm_versions
        where phone_national_number is not null
    ) as crm_phones
    where
        trim(phone) not like '+%'
        and phone_digits not like '0%'
        and phone_digits != phone_national_number
    union all
    select
        concat('order:', order_id) as node_key,
        'email' as point_type,
        email_normalised as point_value,
        cast(null as {{ dbt.type_string() }}) as phone_e164,
        cast(null as {{ dbt.type_string() }}) as dialled_e164
    from orders
    union all
    select
        concat('order:', order_id) as node_key,
        'phone' as point_type,
        phone_national_number as point_value,
        phone_e164,
        phone_e164 as dialled_e164
    from orders
    union all
    select
        concat('ticket:', ticket_id) as node_key,
        'email' as point_type,
        email_normalised as point_value,
        cast(null as {{ dbt.type_string() }}) as phone_e164,
        cast(null as {{ dbt.type_string() }}) as dialled_e164
    from tickets
    union all
    select
        concat('ticket:', ticket_id) as node_key,
        'phone' as point_type,
        phone_national_number as point_value,
        phone_e164,
        phone_e164 as dialled_e164
    from tickets
),

-- the national numbers written with two or more calling codes: a different phone in each
-- country (`+49 151 2345678` in Germany, `+44 151 234 5678` in Britain). A code that a CRM
-- contact's country gave a national notation does not count: a German mobile of a contact
-- living in Austria is still the German one
phones_of_several_countries as (
    select point_value
    from contact_points
    where point_type = 'phone'
    group by point_value
    having count(distinct dialled_e164) > 1
),

-- the points that link: not shared by a household; a phone of several countries links the
-- nodes of each calling code apart (by its E.164 form), and those without one (a national
-- notation on an order or a ticket, which could be either) to none
linking_points as (
    select distinct
        contact_points.node_key,
        contact_points.point_type,
        case
            when phones_of_several_countries.point_value is not null
                then contact_points.phone_e164
            else contact_points.point_value
        end as point_value
    from contact_points
    left join shared_contact_points
        on
            contact_points.point_type = shared_contact_points.point_type
            and contact_points.point_value = shared_contact_points.point_value
    left join phones_of_several_countries
        on
            contact_points.point_type = 'phone'
            and contact_points.point_value = phones_of_several_countries.point_value
    where
        contact_points.point_value is not null
        and shared_contact_points.point_value is null
        and (
            phones_of_several_countries.point_value is null
            or contact_points.phone_e164 is not null
        )
),

-- the smallest node key of each email and phone: the centre of its star (a group by and a
-- join cost less than a window partitioned by the point: the model's select at scale 1 takes
-- 0.56-0.71 s against 0.72-0.82 s)
point_centres as (
    select
        point_type,
        point_value,
        min(node_key) as centre_key
    from linking_points
    group by point_type, point_value
),

contact_point_edges as (
    select
        linking_points.node_key as node_key_a,
        point_centres.centre_key as node_key_b,
        linking_points.point_type as edge_type
    from linking_points
    inner join point_centres
        on
            linking_points.point_type = point_centres.point_type
            and linking_points.point_value = point_centres.point_value
),

logins as (
    select distinct
        anonymous_id,
        shop_account_id
    from web_events
    where shop_account_id is not null
),

single_account_browsers as (
    select anonymous_id
    from logins
    group by anonymous_id
    having count(*) = 1
),

id_edges as (
    select
        concat('crm:', crm_id) as node_key_a,
        concat('account:', shop_account_id) as node_key_b,
        'crosswalk' as edge_type
    from current_account_links
    union all
    select
        concat('order:', order_id) as node_key_a,
        concat('account:', shop_account_id) as node_key_b,
        'account' as edge_type
    from orders
    where shop_account_id is not null
    union all
    select
        concat('browser:', logins.anonymous_id) as node_key_a,
        concat('account:', logins.shop_account_id) as node_key_b,
        'login' as edge_type
    from logins
    inner join single_account_browsers
        on logins.anonymous_id = single_account_browsers.anonymous_id
),

current_links as (
    select distinct
        node_key_a,
        node_key_b,
        edge_type
    from contact_point_edges
    where node_key_a != node_key_b
    union all
    select
        node_key_a,
        node_key_b,
        edge_type
    from id_edges
),

{%- if is_batch %}

    stored_links as (
        select * from {{ this }}
        where _unlinked_at is null
    ),

    -- the difference between the links found and the stored ones, in one pass: a link not
    -- stored (or stored as gone) is found (again) by this run; a stored link that this run no
    -- longer finds keeps its _linked_at and is gone from this run on
    final as (
        select
            coalesce(current_links.node_key_a, stored_links.node_key_a) as node_key_a,
            coalesce(current_links.node_key_b, stored_links.node_key_b) as node_key_b,
            coalesce(current_links.edge_type, stored_links.edge_type) as edge_type,
            coalesce(stored_links._linked_at, {{ run_started_at_timestamp() }}) as _linked_at,
            case
                when current_links.node_key_a is null then {{ run_started_at_timestamp() }}
            end as _unlinked_at
        from current_links
        full outer join stored_links
            on
                current_links.node_key_a = stored_links.node_key_a
                and current_links.node_key_b = stored_links.node_key_b
                and current_links.edge_type = stored_links.edge_type
        where current_links.node_key_a is null or stored_links.node_key_a is null
    )
{%- else %}

    final as (
        select
            node_key_a,
            node_key_b,
            edge_type,
            {{ run_started_at_timestamp() }} as _linked_at,
            cast(null as {{ dbt.type_timestamp() }}) as _unlinked_at
        from current_links
    )
{%- endif %}

select * from final
