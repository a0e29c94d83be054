-- The date Splink's fit is as of on this run, one row (none before any delivery, when there
-- is no as-of date): the last day of the var identity_fit_calendar's period (a Sunday, a
-- month end, or the day itself) on or before the run's as-of date; in the first period (no
-- CRM contact delivered by the period's end yet) the as-of date itself.
-- int_identity_match_training_records holds the contacts as they were on it;
-- int_identity_match_fits and int_identity_match_scores read the date here, so that a run
-- between two fit dates never evaluates the training records.
{%- set calendar = choice_var('identity_fit_calendar', ['day', 'week', 'month']) %}

with contact_versions as (
    select * from {{ ref('base_crm__customers') }}
    where not _is_quarantined
),

deliveries as (
    select * from {{ ref('dq_delivery_counts') }}
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
    select
        min({{ landing_delivery_date('_source_file', '_ingested_at') }})
            as first_delivered_date
    from contact_versions
),

final as (
    select
        case
            when period_ends.period_end_date >= first_delivery.first_delivered_date
                then period_ends.period_end_date
            else period_ends.as_of_date
        end as fit_date,
        period_ends.as_of_date
    from period_ends
    cross join first_delivery
    where period_ends.as_of_date is not null
)

select * from final
