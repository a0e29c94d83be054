-- Revenue per order date, country of the customer at order time and channel, in the
-- reporting currency (measures: macro revenue_measures).
-- Country: see the customer_country_as_of macro (the version in force when the order was
-- placed; the first known version before that; 'unknown' for customers the CRM lacks).

with orders as (
    select * from {{ ref('fct_orders') }}
),

customer_versions as (
    select * from {{ ref('int_customer_versions') }}
),

daily_revenue as (
    {{ revenue_measures('orders', 'customer_versions', 'order_date') }}
),

final as (
    select
        -- ids
        {{ generate_surrogate_key(['order_date', 'country_code', 'channel']) }}
            as revenue_daily_id,

        -- strings, numerics, then order_date: the published order (macro revenue_measures)
        daily_revenue.*
    from daily_revenue
)

select * from final
