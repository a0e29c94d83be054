-- Recency, frequency and monetary scores (1-5, 5 best) of every customer with a purchase up
-- to the observation end, and the named segment of their recency × frequency cell.
-- Scores are quintiles by cumulative distribution: customers with equal values get the
-- same score (a tie never splits across two scores).

with orders as (
    select * from {{ ref('fct_orders') }}
),

segments as (
    select * from {{ ref('rfm_segments') }}
),

observation as (
    select {{ observation_end_date('orders') }} as end_date
),

purchases as (
    select orders.*
    from orders
    cross join observation
    where
        orders.is_completed_purchase
        and orders.order_date <= observation.end_date
),

per_customer as (
    select
        purchases.customer_id,
        max(purchases.order_date) as last_purchase_date,
        count(*) as purchases_count,
        sum(purchases.order_total_reporting) as monetary_reporting
    from purchases
    group by purchases.customer_id
),

measured as (
    select
        per_customer.*,
        observation.end_date as observation_end_date,
        {{ dbt.datediff('per_customer.last_purchase_date', 'observation.end_date', 'day') }}
            as recency_days
    from per_customer
    cross join observation
),

scored as (
    select
        *,
        cast(ceil(5 * cume_dist() over (order by recency_days desc)) as integer) as recency_score,
        cast(ceil(5 * cume_dist() over (order by purchases_count)) as integer) as frequency_score,
        cast(ceil(5 * cume_dist() over (order by monetary_reporting)) as integer) as monetary_score
    from measured
),

final as (
    select
        -- ids
        cast(scored.customer_id as {{ dbt.type_string() }}) as customer_id,

        -- strings
        cast(concat(
            cast(scored.recency_score as {{ dbt.type_string() }}),
            cast(scored.frequency_score as {{ dbt.type_string() }}),
            cast(scored.monetary_score as {{ dbt.type_string() }})
        ) as {{ dbt.type_string() }}) as rfm_cell,
        cast(segments.segment_name as {{ dbt.type_string() }}) as rfm_segment,
        cast({{ reporting_currency() }} as {{ dbt.type_string() }}) as reporting_currency,

        -- numerics
        cast(scored.recency_days as integer) as recency_days,
        cast(scored.purchases_count as integer) as purchases_count,
        cast(scored.monetary_reporting as decimal(18, 2)) as monetary_reporting,
        scored.recency_score,
        scored.frequency_score,
        scored.monetary_score,

        -- dates
        scored.last_purchase_date,
        scored.observation_end_date
    from scored
    left join segments
        on
            scored.recency_score = segments.recency_score
            and scored.frequency_score = segments.frequency_score
)

select * from final
