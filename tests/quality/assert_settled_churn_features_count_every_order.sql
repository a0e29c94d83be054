-- Orders that reached a settled churn_features row too late. An as-of date's rows are kept as
-- they are once the date settled (var churn_late_data_days after it), so an order dated on or
-- before the as-of date but delivered after that is not in the row, where a full refresh
-- counts it. Returns the rows whose orders_total is not the number of orders now known on or
-- before their as-of date; severity warn: the build goes on, and says how many rows are stale.
{{ config(severity='warn') }}

with features as (
    select * from {{ ref('churn_features') }}
),

order_days as (
    select * from {{ ref('int_customer_order_days') }}
),

known as (
    select
        features.customer_id,
        features.as_of_date,
        features.orders_total,
        coalesce(sum(order_days.orders_count), 0) as orders_known_now
    from features
    left join order_days
        on
            features.customer_id = order_days.customer_id
            and features.as_of_date >= order_days.order_date
    group by features.customer_id, features.as_of_date, features.orders_total
)

select * from known
where orders_known_now != orders_total
