-- CRM contact dimension with history (SCD2, from the snapshot snp_crm__customers): one row
-- per version of a CRM contact, valid from valid_from (inclusive) to valid_to (exclusive; the
-- far future while current), with the customer the contact belongs to (a customer entered
-- twice in the CRM has two contacts). A contact's first version is valid from the beginning
-- of time, so that a fact from before the snapshot first saw the contact (its history starts
-- at the first snapshot run, each version at its updated_at) still finds a version, as the
-- revenue tables' country rule does (macro customer_country_as_of). A contact deleted in the
-- CRM has the tombstone as its last version (is_deleted), dated by the CRM. As-of join:
-- `on f.customer_id = d.customer_id and f.event_at >= d.valid_from and f.event_at <
-- d.valid_to`, where a customer with several contacts has a version of each in force.

with snapshot as (
    select * from {{ ref('snp_crm__customers') }}
),

contact_customers as (
    select
        source_id as crm_id,
        customer_id
    from {{ ref('int_customer_identities') }}
    where node_type = 'crm'
),

final as (
    select
        -- ids
        cast(snapshot.dbt_scd_id as {{ dbt.type_string() }}) as customer_version_id,
        cast(contact_customers.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(snapshot.crm_id as {{ dbt.type_string() }}) as crm_id,

        -- strings
        cast(snapshot.first_name as {{ dbt.type_string() }}) as first_name,
        cast(snapshot.last_name as {{ dbt.type_string() }}) as last_name,
        cast(snapshot.email as {{ dbt.type_string() }}) as email,
        cast(snapshot.phone as {{ dbt.type_string() }}) as phone,
        cast(snapshot.country_code as {{ dbt.type_string() }}) as country_code,
        cast(snapshot.country_name as {{ dbt.type_string() }}) as country_name,
        cast(snapshot.city as {{ dbt.type_string() }}) as city,
        cast(snapshot.tier as {{ dbt.type_string() }}) as tier,
        cast(snapshot.preferred_language as {{ dbt.type_string() }}) as preferred_language,

        -- booleans
        snapshot.is_email_valid,
        snapshot.has_marketing_consent,
        -- the CRM's tombstone, or a contact that left staging without one (dbt's hard delete)
        cast(
            coalesce(snapshot.is_deleted, false)
            or coalesce(cast(snapshot.dbt_is_deleted as {{ dbt.type_string() }}), 'False') = 'True'
            as boolean
        ) as is_deleted,
        snapshot.dbt_valid_to is null as is_current,

        -- timestamps
        cast(snapshot.signup_at as timestamp) as signup_at,
        cast(case
            when
                snapshot.dbt_valid_from
                = min(snapshot.dbt_valid_from) over (partition by snapshot.crm_id)
                then cast('1900-01-01 00:00:00' as timestamp)
            else snapshot.dbt_valid_from
        end as timestamp) as valid_from,
        cast(snapshot.dbt_valid_from as timestamp) as recorded_valid_from,
        cast(
            coalesce(snapshot.dbt_valid_to, cast('9999-12-31 00:00:00' as timestamp)) as timestamp
        ) as valid_to
    from snapshot
    left join contact_customers
        on snapshot.crm_id = contact_customers.crm_id
)

select * from final
