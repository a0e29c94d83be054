-- Every customer's orders per order date: the per-order facts the customer analytics
-- aggregate, once. int_customer_facts sums them over all time; churn_features sums those
-- up to each as-of date (point in time). Orders count whatever their status; purchases are the
-- completed ones (stg_ecommerce__orders.is_completed_purchase).

with orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

identities as (
    select * from {{ ref('int_customer_identities') }}
    where node_type = 'order'
),

customer_orders as (
    select
        identities.customer_id,
        orders.*
    from orders
    inner join identities
        on orders.order_id = identities.source_id
),

order_days as (
    select
        customer_id,
        order_date,
        count(*) as orders_count,
        sum(case when is_completed_purchase then 1 else 0 end) as purchases_count,
        sum(case when is_cancelled then 1 else 0 end) as cancelled_orders_count,
        sum(case when is_returned then 1 else 0 end) as returned_orders_count,
        sum(order_total_reporting) as order_total_reporting,
        sum(
            case when is_completed_purchase then order_total_reporting else 0 end
        ) as purchases_revenue_reporting
    from customer_orders
    group by customer_id, order_date
),

final as (
    select
        -- ids
        customer_id,

        -- numerics
        cast(orders_count as integer) as orders_count,
        cast(purchases_count as integer) as purchases_count,
        cast(cancelled_orders_count as integer) as cancelled_orders_count,
        cast(returned_orders_count as integer) as returned_orders_count,
        cast(order_total_reporting as decimal(18, 2)) as order_total_reporting,
        cast(purchases_revenue_reporting as decimal(18, 2)) as purchases_revenue_reporting,

        -- dates
        order_date
    from order_days
)

select * from final
