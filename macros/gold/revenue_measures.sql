{#-
    The revenue measures of the sales marts (revenue_daily, revenue_monthly), in one place:
    a select of one row per `period` (a column of `orders`: order_date, order_month), country
    of the customer at order time (macro customer_country_as_of on `customer_versions`) and
    channel, with the order counts, the distinct customers and the gross, returned, net and
    shipping revenue in the reporting currency, typed and ordered as the marts publish them
    (period last), and the average order value (net revenue per completed purchase, to the
    cent). `orders`: a CTE of fct_orders rows (plus `period` when it is not order_date).
-#}
{% macro revenue_measures(orders, customer_versions, period) %}
    select
        country_code,
        channel,
        cast({{ reporting_currency() }} as {{ dbt.type_string() }}) as reporting_currency,
        cast(orders_count as bigint) as orders_count,
        cast(cancelled_orders_count as bigint) as cancelled_orders_count,
        cast(returned_orders_count as bigint) as returned_orders_count,
        cast(customers_count as bigint) as customers_count,
        cast(gross_revenue_reporting as decimal(18, 2)) as gross_revenue_reporting,
        cast(returned_revenue_reporting as decimal(18, 2)) as returned_revenue_reporting,
        cast(net_revenue_reporting as decimal(18, 2)) as net_revenue_reporting,
        cast(shipping_revenue_reporting as decimal(18, 2)) as shipping_revenue_reporting,
        {{ divide_money('net_revenue_reporting', 'purchases_count') }}
            as avg_order_value_reporting,
        {{ period }}
    from (
        select
            {{ period }},
            country_code,
            channel,
            count(*) as orders_count,
            sum(case when is_cancelled then 1 else 0 end) as cancelled_orders_count,
            sum(case when is_returned then 1 else 0 end) as returned_orders_count,
            sum(case when is_completed_purchase then 1 else 0 end) as purchases_count,
            count(distinct customer_id) as customers_count,
            sum(
                case when is_cancelled then 0 else order_total_reporting end
            ) as gross_revenue_reporting,
            sum(
                case when is_returned then order_total_reporting else 0 end
            ) as returned_revenue_reporting,
            sum(net_revenue_reporting) as net_revenue_reporting,
            sum(
                case when is_completed_purchase then shipping_amount_reporting else 0 end
            ) as shipping_revenue_reporting
        from (
            {{ customer_country_as_of(orders, customer_versions, 'ordered_at') }}
        ) as orders_with_country
        group by {{ period }}, country_code, channel
    ) as per_period
{% endmacro %}
