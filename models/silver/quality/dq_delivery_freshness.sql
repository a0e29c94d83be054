-- Freshness anomalies, in the manner of elementary's freshness_anomalies: is a landing table's
-- latest delivery later than its usual gap between deliveries allows? Measured as of the
-- newest delivery day of any checked landing table (a late table is late against the others;
-- `dbt source freshness` measures every table against the clock). The usual gap is the mean
-- of the gaps between the table's delivery days in the training window (the
-- anomaly_training_days days up to its last delivery); the allowed gap is that mean plus
-- anomaly_z_threshold standard deviations, in whole days. A daily table (an allowed gap of one
-- day) one day behind is not late, but misses the as-of day: gold as of that day has none of
-- its records of the day (is_missing_as_of_day). One row per landing table that has
-- delivered; no judgement with fewer than anomaly_min_training_days gaps.
{{ config(materialized='table', databricks_tags={'contains_pii': 'false'}) }}
{%- set training_days = number_var('anomaly_training_days', 1, integer=true) %}
{%- set min_training_days = number_var('anomaly_min_training_days', 1, integer=true) %}
{%- set z_threshold = number_var('anomaly_z_threshold', 0) %}

with daily_counts as (
    select * from {{ ref('dq_delivery_counts') }}
),

as_of as (
    select max(delivery_date) as as_of_date from daily_counts
),

deliveries as (
    select
        source_table,
        delivery_date,
        lag(delivery_date) over (
            partition by source_table order by delivery_date
        ) as previous_delivery_date,
        max(delivery_date) over (partition by source_table) as last_delivery_date
    from daily_counts
),

delivery_gaps as (
    select
        source_table,
        delivery_date,
        last_delivery_date,
        {{ dbt.datediff('previous_delivery_date', 'delivery_date', 'day') }}
            as gap_days
    from deliveries
),

-- the gaps that end in the training window: the anomaly_training_days days up to the last
-- delivery
gaps_in_window as (
    select
        source_table,
        last_delivery_date,
        case
            when
                {{ dbt.datediff('delivery_date', 'last_delivery_date', 'day') }}
                < {{ training_days }}
                then gap_days
        end as training_gap_days
    from delivery_gaps
),

training_gaps as (
    select
        source_table,
        last_delivery_date,
        count(training_gap_days) as training_days,
        avg(training_gap_days) as gap_mean,
        stddev_samp(training_gap_days) as gap_stddev
    from gaps_in_window
    group by source_table, last_delivery_date
),

judged as (
    select
        training_gaps.*,
        as_of.as_of_date,
        {{ dbt.datediff('training_gaps.last_delivery_date', 'as_of.as_of_date', 'day') }}
            as days_since_last_delivery,
        case
            when training_gaps.training_days >= {{ min_training_days }}
                then floor(
                    training_gaps.gap_mean
                    + {{ z_threshold }} * coalesce(training_gaps.gap_stddev, 0)
                )
        end as allowed_gap_days
    from training_gaps
    cross join as_of
),

final as (
    select
        source_table,
        last_delivery_date,
        as_of_date,
        cast(days_since_last_delivery as int) as days_since_last_delivery,
        training_days,
        round(gap_mean, 3) as gap_mean_days,
        round(gap_stddev, 3) as gap_stddev_days,
        cast(allowed_gap_days as int) as allowed_gap_days,
        round(
            case
                when allowed_gap_days is not null and gap_stddev > 0
                    then (days_since_last_delivery - gap_mean) / gap_stddev
            end,
            3
        ) as z_score,
        cast(
            case
                when days_since_last_delivery > allowed_gap_days
                    then days_since_last_delivery - allowed_gap_days
                when allowed_gap_days is not null then 0
            end as int
        ) as days_late,
        coalesce(days_since_last_delivery > allowed_gap_days, false) as is_freshness_anomaly,
        coalesce(allowed_gap_days = 1 and days_since_last_delivery = 1, false)
            as is_missing_as_of_day
    from judged
)

select * from final
