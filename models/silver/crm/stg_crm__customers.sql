-- The current version of every CRM contact (deleted ones flagged), merged incrementally.
{{ config(unique_key='crm_id') }}

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
        crm_id,

        -- strings
        first_name,
        last_name,
        email,
        email_normalised,
        phone,
        phone_e164,
        phone_national_number,
        country_code,
        country_name,
        city,
        tier,
        preferred_language,

        -- booleans
        -- usable to link: an address once trimmed, no placeholder (macro normalised_email)
        case when email is not null then email_normalised is not null end as is_email_valid,
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
    {{ union_current_versions('staged', 'crm_id') }}
),

latest as (
    {{ latest_version_per_key('candidates', 'crm_id', 'updated_at desc') }}
),

final as (
    select * from latest
)

select * from final
