-- The current version of every CRM customer (deleted ones flagged), merged incrementally.
{{ config(unique_key='customer_id') }}

with new_records as (
    select * from {{ ref('base_crm__customers') }}
    where
        not _is_quarantined
        {%- if is_incremental() %}
            and _ingested_at > {{ last_ingested_at() }}
        {%- endif %}
),

staged as (
    select
        -- ids
        customer_id,

        -- strings
        first_name,
        last_name,
        email,
        phone,
        country_code,
        country_name,
        city,
        tier,
        preferred_language,

        -- booleans
        {{ valid_email('email') }} as is_email_valid,
        has_marketing_consent,
        is_deleted,

        -- timestamps
        signup_at,
        updated_at,
        case when is_deleted then updated_at end as deleted_at,

        -- lineage
        _dq_warnings,
        _record_id,
        _source_file,
        _ingested_at
    from new_records
),

candidates as (
    {{ union_current_versions('staged', 'customer_id') }}
),

latest as (
    {{ latest_version_per_key('candidates', 'customer_id', 'updated_at desc') }}
),

final as (
    select * from latest
)

select * from final
