-- What Splink learns from (int_identity_match_fits): every CRM contact as it was on the fit
-- date (int_identity_match_fit_date). A contact's version is its latest record delivered on
-- or before that date (the date in the landing file's name), quarantined ones aside. Landing
-- files are immutable, so these rows are a function of the fit date: a full refresh fits on
-- the same records as the incremental run that made the fit.
-- A view: int_identity_match_fits reads it only when a new fit is due.

with contact_versions as (
    select * from {{ ref('base_crm__customers') }}
    where not _is_quarantined
),

fit_dates as (
    select * from {{ ref('int_identity_match_fit_date') }}
),

delivered_versions as (
    select
        *,
        {{ landing_delivery_date('_source_file', '_ingested_at') }} as delivered_date
    from contact_versions
),

versions_by_fit_date as (
    select
        delivered_versions.*,
        fit_dates.fit_date
    from delivered_versions
    inner join fit_dates
        on delivered_versions.delivered_date <= fit_dates.fit_date
),

latest as (
    {{ latest_version_per_key('versions_by_fit_date', 'crm_id', 'updated_at desc') }}
),

final as (
    select
        -- ids
        concat('crm:', crm_id) as node_key,
        'crm' as node_type,

        -- strings: what Splink compares
        cast(first_name as {{ dbt.type_string() }}) as first_name,
        cast(last_name as {{ dbt.type_string() }}) as last_name,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(country_code as {{ dbt.type_string() }}) as country_code,
        cast(email_normalised as {{ dbt.type_string() }}) as email_normalised,
        cast(phone_national_number as {{ dbt.type_string() }}) as phone_national_number,

        -- dates
        fit_date
    from latest
)

select * from final
