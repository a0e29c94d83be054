-- Revenue per order date, country of the customer at order time and channel, in the
-- reporting currency.
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
    select
        order_date,
        country_code,
        channel,
        count(*) as orders_count,
        sum(case when is_cancelled then 1 else 0 end) as cancelled_orders_count,
        sum(case when is_returned then 1 else 0 end) as returned_orders_count,
        count(distinct customer_id) as customers_count,
        sum(
            case when is_cancelled then 0 else order_total_reporting end
        ) as gross_revenue_reporting,
        sum(
            case when is_returned then order_total_reporting else 0 end
        ) as returned_revenue_reporting,
        sum(net_revenue_reporting) as net_revenue_reporting,
        sum(
            case when is_cancelled or is_returned then 0 else shipping_amount_reporting end
        ) as shipping_revenue_reporting
    from orders_with_country
    group by 1, 2, 3
),

typed as (
    select
        order_date,
        country_code,
        channel,
        {{ generate_surrogate_key(['order_date', 'country_code', 'channel']) }}
            as revenue_daily_id,
        cast(orders_count as bigint) as orders_count,
        cast(cancelled_orders_count as bigint) as cancelled_orders_count,
        cast(returned_orders_count as bigint) as returned_orders_count,
        cast(customers_count as bigint) as customers_count,
        cast(gross_revenue_reporting as decimal(18, 2)) as gross_revenue_reporting,
        cast(returned_revenue_reporting as decimal(18, 2)) as returned_revenue_reporting,
        cast(net_revenue_reporting as decimal(18, 2)) as net_revenue_reporting,
        cast(shipping_revenue_reporting as decimal(18, 2)) as shipping_revenue_reporting,
        {{ divide_money(
            'net_revenue_reporting',
            'orders_count - cancelled_orders_count - returned_orders_count'
        ) }} as avg_order_value_reporting
    from daily_revenue
),

final as (
    select
        -- ids
        revenue_daily_id,

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
    from typed
)

select * from final
