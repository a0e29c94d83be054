-- The findings of the delivery monitoring, one row per landing table, day and kind: the
-- volume anomalies of every day (dq_delivery_volumes), the landing tables late as of the
-- newest delivery and the daily ones without a delivery that day (dq_delivery_freshness),
-- and the days a daily table delivered nothing between two of its deliveries where it
-- usually delivers so much that none is a drop beyond the sensitivity (a file lost from the
-- history: gold has none of its records of those days), and the landing files whose name
-- has no date (dq_delivery_counts: dated by the day they were ingested), each with a
-- sentence saying what was found. The generic tests volume_anomalies and
-- freshness_anomalies warn with these sentences; the dashboard shows them.
{{ config(materialized='table', databricks_tags={'contains_pii': 'false'}) }}
{%- set min_training_days = number_var('anomaly_min_training_days', 1, integer=true) %}
{%- set z_threshold = number_var('anomaly_z_threshold', 0) %}

with volumes as (
    select * from {{ ref('dq_delivery_volumes') }}
),

daily_counts as (
    select * from {{ ref('dq_delivery_counts') }}
),

freshness as (
    select * from {{ ref('dq_delivery_freshness') }}
),

as_of as (
    select max(delivery_date) as as_of_date from volumes
),

-- the landing tables that delivered on the newest day: when one alone did, its file named
-- for a later day than the others' (a catalog named by the day its prices take effect) is
-- what moved the newest day, and the findings name it
newest_day_tables as (
    select
        count(*) as tables_count,
        min(volumes.source_table) as first_table
    from volumes
    inner join as_of
        on volumes.delivery_date = as_of.as_of_date
    where volumes.records > 0
),

volume_anomalies as (
    select
        volumes.source_table,
        volumes.delivery_date,
        'volume' as anomaly_type,
        volumes.anomaly_direction,
        volumes.records,
        volumes.training_mean as expected_records,
        volumes.z_score,
        cast(null as int) as days_late,
        as_of.as_of_date,
        concat(
            volumes.source_table, ' delivered ',
            cast(volumes.records as {{ dbt.type_string() }}), ' records on ',
            cast(volumes.delivery_date as {{ dbt.type_string() }}), ', a ',
            volumes.anomaly_direction, ': expected about ',
            cast(cast(volumes.training_mean as decimal(18, 1)) as {{ dbt.type_string() }}),
            ' (mean of ', cast(volumes.training_days as {{ dbt.type_string() }}),
            ' earlier delivery days, standard deviation ',
            cast(cast(volumes.training_stddev as decimal(18, 1)) as {{ dbt.type_string() }}),
            '), z-score ',
            cast(cast(volumes.z_score as decimal(18, 1)) as {{ dbt.type_string() }}),
            ', beyond the sensitivity of ', '{{ z_threshold }}', '.'
        ) as reason
    from volumes
    cross join as_of
    where volumes.is_volume_anomaly
),

-- the tables late, and the daily ones without a delivery on the newest day
freshness_findings as (
    select
        source_table,
        as_of_date as delivery_date,
        case when is_freshness_anomaly then 'freshness' else 'missing' end as anomaly_type,
        cast(null as {{ dbt.type_string() }}) as anomaly_direction,
        cast(null as bigint) as records,
        cast(null as double) as expected_records,
        z_score,
        days_late,
        as_of_date,
        case
            when is_freshness_anomaly
                then concat(
                    source_table, ' has delivered nothing since ',
                    cast(last_delivery_date as {{ dbt.type_string() }}), ': ',
                    cast(days_since_last_delivery as {{ dbt.type_string() }}),
                    ' days before the newest delivery of any landing table (',
                    cast(as_of_date as {{ dbt.type_string() }}), '), where its usual gap is ',
                    cast(cast(gap_mean_days as decimal(18, 1)) as {{ dbt.type_string() }}),
                    ' days and the allowed gap ',
                    cast(allowed_gap_days as {{ dbt.type_string() }}),
                    '; ', cast(days_late as {{ dbt.type_string() }}), ' days late.'
                )
            else concat(
                source_table, ' delivers every day but has no delivery for ',
                cast(as_of_date as {{ dbt.type_string() }}),
                ', the newest delivery day of any landing table (',
                (
                    select
                        case
                            when newest_day_tables.tables_count = 1
                                then concat(
                                    'only ', newest_day_tables.first_table, ' delivered on it; '
                                )
                            else ''
                        end as named_table
                    from newest_day_tables
                ),
                'its last: ',
                cast(last_delivery_date as {{ dbt.type_string() }}),
                '): gold as of that day has none of its records of the day. Build again once',
                ' its file has landed.'
            )
        end as reason
    from freshness
    where is_freshness_anomaly or is_missing_as_of_day
),

-- each delivery of a daily table with the day of the table's delivery before it
delivery_gaps as (
    select
        volumes.source_table,
        volumes.delivery_date,
        lag(volumes.delivery_date) over (
            partition by volumes.source_table order by volumes.delivery_date
        ) as previous_delivery_date,
        volumes.training_days,
        volumes.training_mean,
        volumes.training_stddev
    from volumes
    inner join freshness
        on volumes.source_table = freshness.source_table
    where freshness.allowed_gap_days = 1
),

gaps as (
    select
        *,
        {{ dbt.datediff('previous_delivery_date', 'delivery_date', 'day') }}
            as gap_days
    from delivery_gaps
),

-- the days without a delivery between two deliveries of a daily table, one finding per gap
-- (on its first day), judged as a drop to no record against the training window of the
-- delivery that ends the gap (its delivery days; the days without one are not in it)
missing_in_history as (
    select
        delivery_gaps.source_table,
        cast({{ dbt.dateadd('day', 1, 'delivery_gaps.previous_delivery_date') }} as date)
            as delivery_date,
        'missing' as anomaly_type,
        cast(null as {{ dbt.type_string() }}) as anomaly_direction,
        cast(0 as bigint) as records,
        delivery_gaps.training_mean as expected_records,
        case
            when delivery_gaps.training_stddev > 0
                then round(-delivery_gaps.training_mean / delivery_gaps.training_stddev, 3)
        end as z_score,
        cast(delivery_gaps.gap_days - 1 as int) as days_late,
        as_of.as_of_date,
        concat(
            delivery_gaps.source_table, ' delivers every day but delivered nothing from ',
            cast(
                cast({{ dbt.dateadd('day', 1, 'delivery_gaps.previous_delivery_date') }} as date)
                as {{ dbt.type_string() }}
            ),
            ' to ',
            cast(
                cast({{ dbt.dateadd('day', -1, 'delivery_gaps.delivery_date') }} as date)
                as {{ dbt.type_string() }}
            ),
            ', between its deliveries of ',
            cast(delivery_gaps.previous_delivery_date as {{ dbt.type_string() }}), ' and ',
            cast(delivery_gaps.delivery_date as {{ dbt.type_string() }}),
            ', where about ',
            cast(cast(delivery_gaps.training_mean as decimal(18, 1)) as {{ dbt.type_string() }}),
            ' records a day were expected (mean of ',
            cast(delivery_gaps.training_days as {{ dbt.type_string() }}),
            ' earlier delivery days, standard deviation ',
            cast(
                cast(coalesce(delivery_gaps.training_stddev, 0) as decimal(18, 1))
                as {{ dbt.type_string() }}
            ),
            '): gold has none of its records of those days. Deliver the missing files',
            ' (named for those days), then build again.'
        ) as reason
    from gaps as delivery_gaps
    cross join as_of
    where
        delivery_gaps.gap_days > 1
        and delivery_gaps.training_days >= {{ min_training_days }}
        and delivery_gaps.training_mean
        > {{ z_threshold }} * coalesce(delivery_gaps.training_stddev, 0)
),

-- the files without a date in their name, per landing table and the day they were ingested
undated_files as (
    select
        daily_counts.source_table,
        daily_counts.delivery_date,
        'undated' as anomaly_type,
        cast(null as {{ dbt.type_string() }}) as anomaly_direction,
        daily_counts.undated_records as records,
        cast(null as double) as expected_records,
        cast(null as double) as z_score,
        cast(null as int) as days_late,
        as_of.as_of_date,
        concat(
            daily_counts.source_table, ': ',
            cast(daily_counts.undated_files as {{ dbt.type_string() }}),
            ' landing file(s) with no date in the name (YYYY-MM-DD, YYYYMMDD or YYYY_MM_DD),',
            ' e.g. ', daily_counts.undated_file_example, ': their ',
            cast(daily_counts.undated_records as {{ dbt.type_string() }}),
            ' records count as delivered on ',
            cast(daily_counts.delivery_date as {{ dbt.type_string() }}),
            ', the day they were ingested, and gold is computed as of the latest delivery day.',
            ' A file is read once: rename it by its delivery (extract) day, then build with',
            ' --full-refresh (docs/landing_contract.md); or leave the test out for it (where).'
        ) as reason
    from daily_counts
    cross join as_of
    where daily_counts.undated_files > 0
),

final as (
    select * from volume_anomalies
    union all
    select * from freshness_findings
    union all
    select * from missing_in_history
    union all
    select * from undated_files
)

select * from final
