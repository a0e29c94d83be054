-- Revenue per order month, country of the customer at order time and channel, in the
-- reporting currency, with the growth of net revenue over the previous calendar month of the
-- same country and channel. Same measures (macro revenue_measures) and country rule as
-- revenue_daily; customers are counted once a month, so customers_count is not the sum of
-- the daily counts. The month of the as-of date is not over: it is flagged, and its growth
-- is null (a part of a month against a whole one).

with customer_versions as (
    select * from {{ ref('int_customer_versions') }}
),

deliveries as (
    select * from {{ ref('dq_delivery_counts') }}
),

as_of_day as (
    select {{ as_of_date('deliveries') }} as as_of_date
),

-- every order with the month it was placed in
orders as (
    select
        *,
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as order_month
    from {{ ref('fct_orders') }}
),

monthly_revenue as (
    {{ revenue_measures('orders', 'customer_versions', 'order_month') }}
),

with_first_month as (
    select
        *,
        min(order_month) over (partition by country_code, channel) as first_order_month
    from monthly_revenue
),

-- the previous calendar month of the same country and channel: none before the first
-- month; a month without orders after the first one counts as zero revenue
with_previous_month as (
    select
        with_first_month.*,
        as_of_day.as_of_date,
        {{ dbt.dateadd('month', 1, 'with_first_month.order_month') }}
        <= {{ dbt.dateadd('day', 1, 'as_of_day.as_of_date') }} as is_complete_month,
        case
            when with_first_month.order_month = with_first_month.first_order_month then null
            else coalesce(previous_month.net_revenue_reporting, 0)
        end as previous_month_net_revenue_reporting
    from with_first_month
    cross join as_of_day
    left join monthly_revenue as previous_month
        on
            with_first_month.country_code = previous_month.country_code
            and with_first_month.channel = previous_month.channel
            and with_first_month.order_month
            = cast({{ dbt.dateadd('month', 1, 'previous_month.order_month') }} as date)
),

final as (
    select
        -- ids
        {{ generate_surrogate_key(['order_month', 'country_code', 'channel']) }}
            as revenue_monthly_id,

        -- strings
        country_code,
        channel,
        reporting_currency,

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
        cast(
            previous_month_net_revenue_reporting as decimal(18, 2)
        ) as previous_month_net_revenue_reporting,
        cast(
            case
                when is_complete_month
                    then
                        (net_revenue_reporting - previous_month_net_revenue_reporting)
                        / nullif(previous_month_net_revenue_reporting, 0)
            end
            as double
        ) as net_revenue_growth_rate,

        -- booleans
        is_complete_month,

        -- dates
        order_month,
        as_of_date
    from with_previous_month
)

select * from final
