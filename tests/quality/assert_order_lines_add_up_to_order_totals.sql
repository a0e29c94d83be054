-- Orders whose lines do not add up to their total: the landing contract's order_total is the
-- lines' amounts plus shipping, in the order's currency. An export whose totals include tax
-- or an order-level discount, or one that lost lines (a missing or cut order_items file),
-- makes revenue by order (fct_orders, revenue_daily, customer facts) and revenue by product
-- (fct_order_items, product_performance) disagree. Orders with a quarantined line are left
-- out (dq_quarantine names them), and only the orders delivered within
-- `anomaly_detection_days` of the last delivery are checked, so a day once named stops
-- warning. A cent per line is allowed for rounding. Returns each order with both amounts
-- and the difference; severity warn.
{{ config(severity='warn') }}

with orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

order_items as (
    select * from {{ ref('stg_ecommerce__order_items') }}
),

-- each order file's delivery day (macro landing_delivery_date), per file: a few rows
order_files as (
    select
        _source_file,
        {{ landing_delivery_date('_source_file') }} as delivery_date
    from orders
    group by _source_file, {{ landing_delivery_date('_source_file') }}
),

last_delivery as (
    select max(delivery_date) as last_delivery_date
    from order_files
),

recent_files as (
    select
        order_files._source_file,
        order_files.delivery_date
    from order_files
    cross join last_delivery
    where
        order_files.delivery_date > {{ dbt.dateadd(
            'day', -number_var('anomaly_detection_days', 1, integer=true),
            'last_delivery.last_delivery_date') }}
),

-- the orders with a line that a drop rule rejected
orders_with_quarantined_lines as (
    select distinct order_id
    from {{ ref('base_ecommerce__order_items') }}
    where _is_quarantined and order_id is not null
),

recent_orders as (
    select
        orders.order_id,
        recent_files.delivery_date,
        orders.currency_code,
        orders.order_total,
        orders.shipping_amount
    from orders
    inner join recent_files
        on orders._source_file = recent_files._source_file
    where
        orders.order_id not in (
            select orders_with_quarantined_lines.order_id from orders_with_quarantined_lines
        )
),

line_totals as (
    select
        order_items.order_id,
        count(*) as lines_count,
        sum(order_items.line_amount) as lines_amount
    from order_items
    inner join recent_orders
        on order_items.order_id = recent_orders.order_id
    group by order_items.order_id
),

unreconciled as (
    select
        recent_orders.order_id,
        recent_orders.delivery_date,
        recent_orders.currency_code,
        recent_orders.order_total,
        recent_orders.shipping_amount,
        coalesce(line_totals.lines_count, 0) as lines_count,
        coalesce(line_totals.lines_amount, 0) as lines_amount,
        recent_orders.order_total - recent_orders.shipping_amount
        - coalesce(line_totals.lines_amount, 0) as difference
    from recent_orders
    left join line_totals
        on recent_orders.order_id = line_totals.order_id
    where
        abs(
            recent_orders.order_total - recent_orders.shipping_amount
            - coalesce(line_totals.lines_amount, 0)
        )
        > 0.01 * greatest(coalesce(line_totals.lines_count, 0), 1)
)

select * from unreconciled
