-- The findings of the delivery monitoring, one row per landing table, day and kind: the
-- volume anomalies of every day (dq_delivery_volumes), the landing tables late as of the
-- newest delivery and the daily ones without a delivery that day (dq_delivery_freshness),
-- each with a sentence saying what was found. The generic tests volume_anomalies and
-- freshness_anomalies warn with these sentences; the dashboard shows them.
{{ config(materialized='table', databricks_tags={'contains_pii': 'false'}) }}

with volumes as (
    select * from {{ ref('dq_delivery_volumes') }}
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
            ', beyond the sensitivity of ', '{{ number_var("anomaly_z_threshold", 0) }}', '.'
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

final as (
    select * from volume_anomalies
    union all
    select * from freshness_findings
)

select * from final
