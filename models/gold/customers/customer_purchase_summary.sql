-- The standard input of buy-till-you-die models (BG/NBD, Gamma-Gamma): one row per customer
-- with at least one purchase. A transaction is a customer-day with a purchase; frequency
-- counts the repeat transaction days, recency is the time from the first to the last
-- transaction, t from the first transaction to the as-of date (macro as_of_date; to the last
-- transaction when that is later), and
-- monetary_value the mean value of the repeat transactions (0 when there is none), in the
-- time unit of var `btyd_time_unit` ('day' or 'week'). From the per-customer facts
-- (int_customer_facts), never the order history: only t depends on the as-of date.

{%- set unit = choice_var('btyd_time_unit', ['day', 'week']) %}
{%- set days_per_unit = 7.0 if unit == 'week' else 1.0 %}

with facts as (
    select * from {{ ref('int_customer_facts') }}
    where not is_retired
),

deliveries as (
    select * from {{ ref('dq_delivery_counts') }}
),

as_of_day as (
    select {{ as_of_date('deliveries') }} as as_of_date
),

buyers as (
    select
        customer_id,
        first_purchase_date,
        last_purchase_date,
        transaction_days_count - 1 as frequency,
        {{ dbt.datediff('first_purchase_date', 'last_purchase_date', 'day') }}
            as days_first_to_last,
        repeat_transactions_revenue_reporting
    from facts
    where purchases_count > 0
),

final as (
    select
        -- ids
        cast(buyers.customer_id as {{ dbt.type_string() }}) as customer_id,

        -- numerics
        cast(buyers.frequency as integer) as frequency,
        cast(buyers.days_first_to_last as double) / {{ days_per_unit }} as recency,
        -- to the last transaction when that is after the as-of date (a shop west of UTC
        -- names its files by a local day that ends in the next UTC day): t >= recency, as the
        -- models need; the warn test on last_purchase_date names such customers
        cast(
            {{ dbt.datediff(
                'buyers.first_purchase_date',
                'greatest(as_of_day.as_of_date, buyers.last_purchase_date)',
                'day'
            ) }}
            as double
        ) / {{ days_per_unit }} as t,
        case
            when buyers.frequency > 0
                then cast(buyers.repeat_transactions_revenue_reporting as double) / buyers.frequency
            else cast(0 as double)
        end as monetary_value,

        -- strings
        cast('{{ unit }}' as {{ dbt.type_string() }}) as time_unit,

        -- dates
        buyers.first_purchase_date,
        buyers.last_purchase_date,
        as_of_day.as_of_date
    from buyers
    cross join as_of_day
)

select * from final
