-- Movement between RFM segments: each customer's segment 30 days before the as-of date
-- (scored on the purchases known then) against their segment now (customer_rfm), as a
-- from → to matrix of customer counts. Scores use the same macro (rfm_score)
-- and seed as customer_rfm.

{%- set lookback_days = 30 %}

with orders as (
    select * from {{ ref('fct_orders') }}
),

current_rfm as (
    select * from {{ ref('customer_rfm') }}
),

segments as (
    select * from {{ ref('rfm_segments') }}
),

earlier as (
    select
        {{ dbt.dateadd('day', -lookback_days, 'max(as_of_date)') }} as as_of_date
    from current_rfm
),

earlier_purchases as (
    select
        orders.customer_id,
        {{ dbt.datediff('max(orders.order_date)', 'max(earlier.as_of_date)', 'day') }}
            as recency_days,
        count(*) as purchases_count
    from orders
    cross join earlier
    where
        orders.is_completed_purchase
        and orders.order_date <= earlier.as_of_date
    group by orders.customer_id
),

earlier_scores as (
    select
        customer_id,
        {{ rfm_score('recency_days desc') }} as recency_score,
        {{ rfm_score('purchases_count') }} as frequency_score
    from earlier_purchases
),

earlier_segments as (
    select
        earlier_scores.customer_id,
        segments.segment_name
    from earlier_scores
    inner join segments
        on
            earlier_scores.recency_score = segments.recency_score
            and earlier_scores.frequency_score = segments.frequency_score
),

final as (
    select
        coalesce(earlier_segments.segment_name, '(no purchase yet)') as segment_before,
        current_rfm.rfm_segment as segment_now,
        count(*) as customers
    from current_rfm
    left join earlier_segments
        on current_rfm.customer_id = earlier_segments.customer_id
    group by 1, 2
)

select * from final
order by segment_before asc, customers desc
