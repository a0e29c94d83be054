-- Orders sent again without updated_at, or with its date alone, that lost to a version
-- delivered before them. Without updated_at, an order's version time is its ordered_at
-- (docs/landing_contract.md), which is older than an earlier version's updated_at when the
-- order changed before; a date alone reads as its midnight, older than a version of the same
-- day with a time: an export that drops the column (or the time) re-sends a status change or
-- a cancellation that silver then ignores. Returns the orders whose version delivered last
-- (the highest record id: a later file by name, or further down the same file) had no
-- updated_at of its own (is_updated_at_default), or one at midnight of the current version's
-- day, and is not the current one; severity warn: the build goes on and says how many orders
-- keep an older version.
{{ config(severity='warn') }}

with base_orders as (
    select * from {{ ref('base_ecommerce__orders') }}
    where not _is_quarantined
),

current_orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

last_delivered as (
    select
        order_id,
        max(_record_id) as _record_id
    from base_orders
    group by order_id
    having count(*) > 1
),

stale as (
    select
        last_delivered.order_id,
        last_delivered._record_id as last_delivered_record_id,
        current_orders._record_id as current_record_id,
        current_orders.updated_at as current_updated_at
    from last_delivered
    inner join base_orders
        on last_delivered._record_id = base_orders._record_id
    inner join current_orders
        on last_delivered.order_id = current_orders.order_id
    where
        current_orders._record_id != last_delivered._record_id
        and (
            base_orders.is_updated_at_default
            -- a date without its time of day, read as the midnight of the current version's day
            or (
                base_orders.updated_at = date_trunc('day', base_orders.updated_at)
                and cast(base_orders.updated_at as date) = cast(current_orders.updated_at as date)
            )
        )
)

select * from stale
