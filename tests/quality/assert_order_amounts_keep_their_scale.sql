-- Delivery days (20 order versions or more) whose accepted order versions average an order
-- total (in the reporting currency) 30 times, or a thirtieth of, the average of the 28
-- delivery days before it (at least 7 of them): an export that switched to minor units
-- (cents: 1250 for 12.50, as payment providers write amounts) or back, a rate or a currency
-- column gone wrong. By delivery, not by order day, since a delivery re-sends orders of
-- earlier days too. Only the delivery days within `anomaly_detection_days` of the last are
-- checked, so a day once named stops warning. Returns the day, its average and the earlier
-- one, and their ratio; severity warn.
{{ config(severity='warn') }}

with order_versions as (
    select * from {{ ref('base_ecommerce__orders') }}
    where not _is_quarantined
),

-- per file first (a few rows), then the file's delivery day (macro landing_delivery_date)
files as (
    select
        _source_file,
        max(_ingested_at) as _ingested_at,
        sum(order_total_reporting) as order_total_sum,
        count(order_total_reporting) as order_versions_count
    from order_versions
    group by _source_file
),

delivery_days as (
    select
        {{ landing_delivery_date('_source_file') }} as delivery_date,
        sum(order_total_sum) / sum(order_versions_count) as avg_order_total,
        sum(order_versions_count) as order_versions_count
    from files
    group by {{ landing_delivery_date('_source_file') }}
    having sum(order_versions_count) > 0
),

compared as (
    select
        delivery_date,
        avg_order_total,
        order_versions_count,
        avg(avg_order_total) over earlier_days as earlier_avg_order_total,
        count(*) over earlier_days as earlier_days_count,
        max(delivery_date) over () as last_delivery_date
    from delivery_days
    window earlier_days as (order by delivery_date rows between 28 preceding and 1 preceding)
),

out_of_scale as (
    select
        delivery_date,
        avg_order_total,
        earlier_avg_order_total,
        avg_order_total / earlier_avg_order_total as ratio,
        order_versions_count
    from compared
    where
        earlier_days_count >= 7
        and earlier_avg_order_total > 0
        -- a quiet day's one or two orders are no scale
        and order_versions_count >= 20
        and delivery_date > {{ dbt.dateadd(
            'day', -number_var('anomaly_detection_days', 1, integer=true), 'last_delivery_date') }}
        and (
            avg_order_total >= 30 * earlier_avg_order_total
            or avg_order_total <= earlier_avg_order_total / 30
        )
)

select * from out_of_scale
