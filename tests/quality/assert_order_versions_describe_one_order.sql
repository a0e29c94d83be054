-- Orders whose accepted versions disagree on when the order was placed or on its currency:
-- versions of one order never do (its status, amounts and the buyer's contact details may
-- change), so these are two orders under one id. A second store's export that numbers its
-- orders as the first one does (a multi-store shop), or ids that start again after a reset:
-- the version delivered later replaced the other in silver and gold, with the lines of both
-- under one order. Returns each order with its distinct placing times and currencies;
-- severity warn. Prefix each store's ids (or export them as one numbering).
{{ config(severity='warn') }}

with order_versions as (
    select * from {{ ref('base_ecommerce__orders') }}
    where not _is_quarantined and order_id is not null
),

per_order as (
    select
        order_id,
        count(distinct ordered_at) as placing_times_count,
        count(distinct currency_code) as currencies_count,
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at
    from order_versions
    group by order_id
),

two_orders as (
    select * from per_order
    where placing_times_count > 1 or currencies_count > 1
)

select * from two_orders
