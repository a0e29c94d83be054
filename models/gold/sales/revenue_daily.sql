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

orders_with_country as (
    {{ customer_country_as_of('orders', 'customer_versions', 'ordered_at') }}
),

daily_revenue as (
    {{ revenue_measures('orders_with_country', 'order_date') }}
),

final as (
    select
        -- ids
        {{ generate_surrogate_key(['order_date', 'country_code', 'channel']) }}
            as revenue_daily_id,

        -- strings
        country_code,
        channel,
        cast({{ reporting_currency() }} as {{ dbt.type_string() }}) as reporting_currency,

        -- numerics
        orders_count,
        cancelled_orders_count,
        returned_orders_count,
        customers_count,
        gross_revenue_reporting,
        returned_revenue_reporting,
        net_revenue_reporting,
        shipping_revenue_reporting,
        avg_order_value_reporting,

        -- dates
        order_date
    from daily_revenue
)

select * from final
