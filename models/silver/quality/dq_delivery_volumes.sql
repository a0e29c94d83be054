-- Volume anomalies, in the manner of elementary's volume_anomalies: each day's bronze records
-- of a landing table against the same table's earlier delivery days in a trailing training
-- window (var anomaly_training_days calendar days before it). The z-score is how many
-- standard deviations the day is from the window's mean; beyond the sensitivity (var
-- anomaly_z_threshold) the delivery is a drop or a spike. No z-score (and no anomaly) with
-- fewer than anomaly_min_training_days training days, or when they all delivered the same
-- count. Every earlier day counts, whatever its weekday: the sample data has no weekly
-- pattern (docs/monitoring.md). Rebuilt every run from dq_delivery_counts (a few rows per
-- day), so a late file that changes one day's count re-scores the days after it.
{{ config(materialized='table', databricks_tags={'contains_pii': 'false'}) }}
{%- set training_days = number_var('anomaly_training_days', 1, integer=true) %}
{%- set min_training_days = number_var('anomaly_min_training_days', 1, integer=true) %}
{%- set z_threshold = number_var('anomaly_z_threshold', 0) %}

with daily_counts as (
    select * from {{ ref('dq_delivery_counts') }}
),

-- each delivery day with the same table's delivery days of its training window
training_windows as (
    select
        delivery.source_table,
        delivery.delivery_date,
        delivery.records,
        count(earlier.records) as training_days,
        avg(earlier.records) as training_mean,
        stddev_samp(earlier.records) as training_stddev
    from daily_counts as delivery
    left join daily_counts as earlier
        on
            delivery.source_table = earlier.source_table
            and {{ dbt.datediff('earlier.delivery_date', 'delivery.delivery_date', 'day') }}
            between 1 and {{ training_days }}
    group by delivery.source_table, delivery.delivery_date, delivery.records
),

scored as (
    select
        *,
        case
            when
                training_days >= {{ min_training_days }}
                and training_stddev > 0
                then (records - training_mean) / training_stddev
        end as exact_z_score
    from training_windows
),

final as (
    select
        source_table,
        delivery_date,
        records,
        training_days,
        round(training_mean, 3) as training_mean,
        round(training_stddev, 3) as training_stddev,
        round(exact_z_score, 3) as z_score,
        coalesce(abs(exact_z_score) > {{ z_threshold }}, false)
            as is_volume_anomaly,
        case
            when abs(exact_z_score) > {{ z_threshold }}
                then case when exact_z_score < 0 then 'drop' else 'spike' end
        end as anomaly_direction
    from scored
)

select * from final
