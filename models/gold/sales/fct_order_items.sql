-- One row per order line with its order's latest status, amounts in the reporting currency
-- (converted with the order's rate). Only lines whose order is in stg_ecommerce__orders: the
-- lines of a quarantined (or not yet received) order stay out until a valid version of the
-- order arrives. An incremental run rebuilds the new
-- lines and every line of the orders that received a new version or another customer
-- (identity resolution) since the last run.
{{ assert_reporting_currency_unchanged() }}
{{ assert_reporting_time_zone_unchanged() }}

with order_items as (
    select * from {{ ref('stg_ecommerce__order_items') }}
),

orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

order_customers as (
    select
        source_id as order_id,
        customer_id
    from {{ ref('int_customer_identities') }}
    where node_type = 'order'
),

-- the batch: new lines, and the lines of orders with a new version (a status change), since
-- the last run (all on a full refresh); the inner join leaves out the lines whose order is
-- not in silver
order_item_facts as (
    select
        order_items.order_item_id,
        order_items.order_id,
        order_customers.customer_id,
        order_items.product_id,
        orders.order_status,
        orders.currency_code,
        order_items.line_number,
        order_items.quantity,
        order_items.unit_price,
        order_items.line_amount,
        not orders.is_completed_purchase as is_cancelled_or_returned,
        orders.is_cancelled,
        orders.is_returned,
        orders.order_date,
        cast(
            order_items.line_amount * orders.fx_rate_to_reporting as decimal(18, 2)
        ) as line_amount_reporting,
        greatest(order_items._ingested_at, orders._ingested_at) as _ingested_at
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    inner join order_customers
        on order_items.order_id = order_customers.order_id
    where
        order_items._ingested_at > {{ incremental_watermark() }}
        or orders._ingested_at > {{ incremental_watermark() }}
        or order_items.order_id in ({{ orders_with_changed_customer('order_customers') }})
),

final as (
    select
        -- ids
        order_item_id,
        order_id,
        customer_id,
        product_id,

        -- strings
        order_status,
        currency_code,
        cast({{ reporting_currency() }} as {{ dbt.type_string() }}) as reporting_currency,
        {{ reporting_time_zone_column() }},

        -- numerics
        line_number,
        quantity,
        unit_price,
        line_amount,
        line_amount_reporting,

        -- booleans
        is_cancelled_or_returned,
        is_cancelled,
        is_returned,

        -- dates
        order_date,

        -- lineage: the batch watermark
        _ingested_at
    from order_item_facts
)

select * from final
