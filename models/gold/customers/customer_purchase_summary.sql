-- The standard input of buy-till-you-die models (BG/NBD, Gamma-Gamma): one row per customer
-- with at least one purchase up to the observation end. A transaction is a customer-day with
-- a purchase; frequency counts the repeat transaction days, recency is the time from the
-- first to the last transaction, t from the first transaction to the observation end, and
-- monetary_value the mean value of the repeat transactions (0 when there is none), in the
-- time unit of var `btyd_time_unit` ('day' or 'week').

{%- set unit = var('btyd_time_unit') %}
{%- if unit not in ('day', 'week') %}
    {{ exceptions.raise_compiler_error("var btyd_time_unit must be 'day' or 'week', not '" ~ unit ~ "'") }}
{%- endif %}
{%- set days_per_unit = 7.0 if unit == 'week' else 1.0 %}

with orders as (
    select * from {{ ref('fct_orders') }}
),

deliveries as (
    select * from {{ ref('dq_delivery_counts') }}
),

observation as (
    select {{ as_of_date('deliveries') }} as end_date
),

purchases as (
    select
        orders.customer_id,
        orders.order_date,
        orders.order_total_reporting
    from orders
    cross join observation
    where
        orders.is_completed_purchase
        and orders.order_date <= observation.end_date
),

transactions as (
    select
        customer_id,
        order_date as transaction_date,
        sum(order_total_reporting) as transaction_value
    from purchases
    group by customer_id, order_date
),

numbered as (
    select
        *,
        row_number() over (
            partition by customer_id order by transaction_date
        ) as transaction_number
    from transactions
),

per_customer as (
    select
        customer_id,
        min(transaction_date) as first_purchase_date,
        max(transaction_date) as last_purchase_date,
        count(*) - 1 as frequency,
        {{ dbt.datediff('min(transaction_date)', 'max(transaction_date)', 'day') }}
            as days_first_to_last,
        avg(case when transaction_number > 1 then cast(transaction_value as double) end)
            as repeat_transaction_mean
    from numbered
    group by customer_id
),

final as (
    select
        -- ids
        cast(per_customer.customer_id as {{ dbt.type_string() }}) as customer_id,

        -- numerics
        cast(per_customer.frequency as integer) as frequency,
        cast(per_customer.days_first_to_last as double) / {{ days_per_unit }} as recency,
        cast(
            {{ dbt.datediff('per_customer.first_purchase_date', 'observation.end_date', 'day') }}
            as double
        ) / {{ days_per_unit }} as t,
        cast(coalesce(per_customer.repeat_transaction_mean, 0) as double) as monetary_value,

        -- strings
        cast('{{ unit }}' as {{ dbt.type_string() }}) as time_unit,

        -- dates
        per_customer.first_purchase_date,
        per_customer.last_purchase_date,
        observation.end_date as as_of_date
    from per_customer
    cross join observation
)

select * from final
