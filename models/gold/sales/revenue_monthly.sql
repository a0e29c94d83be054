-- Revenue per order month, country of the customer at order time and channel, in the
-- reporting currency, with
-- the growth of net revenue over the previous calendar month of the same country and
-- channel. Same measures and country rule as revenue_daily; customers are counted once a
-- month, so customers_count is not the sum of the daily counts.

with orders as (
    select * from {{ ref('fct_orders') }}
),

customer_versions as (
    select * from {{ ref('int_customer_versions') }}
),

orders_with_country as (
    {{ customer_country_as_of('orders', 'customer_versions', 'ordered_at') }}
),

orders_with_month as (
    select
        *,
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as order_month
    from orders_with_country
),

monthly_revenue as (
    select
        order_month,
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
        ) as shipping_revenue_reporting,
        min(order_month) over (partition by country_code, channel) as first_order_month
    from orders_with_month
    group by 1, 2, 3
),

-- the previous calendar month of the same country and channel: none before the first
-- month; a month without orders after the first one counts as zero revenue
with_previous_month as (
    select
        monthly_revenue.*,
        case
            when monthly_revenue.order_month = monthly_revenue.first_order_month then null
            else coalesce(previous_month.net_revenue_reporting, 0)
        end as previous_month_net_revenue_reporting
    from monthly_revenue
    left join monthly_revenue as previous_month
        on
            monthly_revenue.country_code = previous_month.country_code
            and monthly_revenue.channel = previous_month.channel
            and monthly_revenue.order_month
            = cast({{ dbt.dateadd('month', 1, 'previous_month.order_month') }} as date)
),

typed as (
    select
        order_month,
        country_code,
        channel,
        {{ generate_surrogate_key(['order_month', 'country_code', 'channel']) }}
            as revenue_monthly_id,
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
        ) }} as avg_order_value_reporting,
        cast(
            previous_month_net_revenue_reporting as decimal(18, 2)
        ) as previous_month_net_revenue_reporting,
        cast(
            (net_revenue_reporting - previous_month_net_revenue_reporting)
            / nullif(previous_month_net_revenue_reporting, 0)
            as double
        ) as net_revenue_growth_rate
    from with_previous_month
),

final as (
    select
        -- ids
        revenue_monthly_id,

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
        previous_month_net_revenue_reporting,
        net_revenue_growth_rate,

        -- dates
        order_month
    from typed
)

select * from final
