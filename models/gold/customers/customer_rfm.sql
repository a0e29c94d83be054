-- Recency, frequency and monetary scores (1-5, 5 best) of every customer with a purchase,
-- as of the as-of date (macro as_of_date), and the named segment of their recency ×
-- frequency cell. From the per-customer facts (int_customer_facts), never the order
-- history: only recency depends on the as-of date, and the scores, relative by definition,
-- are recomputed on every run.
-- Scores are fifths of the customers ranked worst first (macro rfm_score): customers with
-- equal values get the same score, and the worst value always scores 1.

with facts as (
    select * from {{ ref('int_customer_facts') }}
    where not is_retired
),

segments as (
    select * from {{ ref('rfm_segments') }}
),

deliveries as (
    select * from {{ ref('dq_delivery_counts') }}
),

as_of_day as (
    select {{ as_of_date('deliveries') }} as as_of_date
),

measured as (
    select
        facts.customer_id,
        facts.last_purchase_date,
        facts.purchases_count,
        facts.lifetime_revenue_reporting as monetary_reporting,
        as_of_day.as_of_date,
        {{ dbt.datediff('facts.last_purchase_date', 'as_of_day.as_of_date', 'day') }}
            as recency_days
    from facts
    cross join as_of_day
    where facts.purchases_count > 0
),

scored as (
    select
        *,
        {{ rfm_score('recency_days desc') }} as recency_score,
        {{ rfm_score('purchases_count') }} as frequency_score,
        {{ rfm_score('monetary_reporting') }} as monetary_score
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
        scored.as_of_date
    from scored
    left join segments
        on
            scored.recency_score = segments.recency_score
            and scored.frequency_score = segments.frequency_score
)

select * from final
