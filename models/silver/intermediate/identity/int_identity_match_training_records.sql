-- What Splink learns from (int_identity_match_fits): every CRM contact as it was on the fit
-- date, the last day of the var identity_fit_calendar's period (a Sunday, a month end, or the
-- day itself) on or before the run's as-of date. A contact's version is its latest record
-- delivered on or before that date (the date in the landing file's name), quarantined ones
-- aside. Landing files are immutable, so these rows are a function of the fit date: a full
-- refresh fits on the same records as the incremental run that made the fit. In the first
-- period (no contact delivered by the period's end yet) the fit date is the as-of date.
-- A view: int_identity_match_fits reads it whole only when a new fit is due.
{%- set calendar = var('identity_fit_calendar') %}
{%- if calendar not in ['day', 'week', 'month'] %}
    {{ exceptions.raise_compiler_error(
        "var identity_fit_calendar must be 'day', 'week' or 'month', not '" ~ calendar ~ "'") }}
{%- endif %}

with contact_versions as (
    select * from {{ ref('base_crm__customers') }}
    where not _is_quarantined
),

deliveries as (
    select * from {{ ref('dq_delivery_counts') }}
),

delivered_versions as (
    select
        *,
        {{ landing_delivery_date('_source_file', '_ingested_at') }} as delivered_date
    from contact_versions
),

-- the last day of the calendar period that holds the day after the as-of date, less a day:
-- the period's last day on or before the as-of date
period_ends as (
    select
        as_of.as_of_date,
        cast({{ dbt.dateadd('day', -1, dbt.date_trunc(
            calendar, dbt.dateadd('day', 1, 'as_of.as_of_date'))) }} as date) as period_end_date
    from (select {{ as_of_date('deliveries') }} as as_of_date) as as_of
),

first_delivery as (
    select min(delivered_date) as first_delivered_date
    from delivered_versions
),

fit_dates as (
    select
        case
            when period_ends.period_end_date >= first_delivery.first_delivered_date
                then period_ends.period_end_date
            else period_ends.as_of_date
        end as fit_date
    from period_ends
    cross join first_delivery
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
