-- One row per order line with its order's latest status, amounts in the reporting currency
-- (converted with the order's rate). Only lines whose order is in stg_ecommerce__orders: the
-- lines of a quarantined (or not yet received) order stay out until a valid version of the
-- order arrives. An incremental run rebuilds the new
-- lines and every line of the orders that received a new version since the last run.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='order_item_id',
    on_schema_change='append_new_columns',
) }}
{{ assert_reporting_currency_unchanged() }}

with order_items as (
    select * from {{ ref('stg_ecommerce__order_items') }}
),

orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

-- the latest ingestion already in the table; a full refresh takes everything
watermark as (
    {%- if is_incremental() %}
        select {{ last_ingested_at() }} as last_ingested_at
    {%- else %}
        select cast('1900-01-01 00:00:00' as timestamp) as last_ingested_at
    {%- endif %}
),

-- new lines, and the lines of orders with a new version (a status change)
batch_order_items as (
    select order_items.* from order_items
    where
        order_items._ingested_at > (select watermark.last_ingested_at from watermark)
        or order_items.order_id in (
            select orders.order_id from orders
            where orders._ingested_at > (select watermark.last_ingested_at from watermark)
        )
),

-- the inner join leaves out the lines whose order is not in silver
order_item_facts as (
    select
        batch_order_items.order_item_id,
        batch_order_items.order_id,
        orders.customer_id,
        batch_order_items.product_id,
        orders.order_status,
        orders.currency_code,
        batch_order_items.line_number,
        batch_order_items.quantity,
        batch_order_items.unit_price,
        batch_order_items.line_amount,
        orders.is_cancelled_or_returned,
        orders.order_date,
        cast(
            batch_order_items.line_amount * orders.fx_rate_to_reporting as decimal(18, 2)
        ) as line_amount_reporting,
        greatest(batch_order_items._ingested_at, orders._ingested_at) as _ingested_at
    from batch_order_items
    inner join orders
        on batch_order_items.order_id = orders.order_id
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

        -- numerics
        line_number,
        quantity,
        unit_price,
        line_amount,
        line_amount_reporting,

        -- booleans
        is_cancelled_or_returned,

        -- dates
        order_date,

        -- lineage: the batch watermark
        _ingested_at
    from order_item_facts
)

select * from final
