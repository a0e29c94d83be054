-- Every customer's web sessions per session date and the day their customer could be known:
-- the per-session facts the customer analytics aggregate, once. int_customer_facts sums them
-- over all time; churn_features sums those up to each as-of date (point in time). Sessions
-- without a customer (anonymous visitors never stitched to one) are left out. The day of the
-- customer's first session also carries its utm source and medium (the customer's
-- acquisition).
-- A session is the customer's from its own day when it logged in, or when its browser had
-- logged in before; a browser's earlier sessions (stitched: the browser logged in later) are
-- the customer's only from the day of the browser's first logged-in session, so that a
-- feature as of an earlier date does not count them (customer_known_date).

with sessions as (
    select * from {{ ref('int_web_sessions') }}
    where customer_id is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id order by session_start_at, session_id
        ) as customer_session_number,
        cast(case
            when logged_in_shop_account_id is not null then session_start_at
            -- greatest skips nulls (DuckDB, Spark, Databricks)
            else greatest(session_start_at, min(case
                when logged_in_shop_account_id is not null then session_start_at
            end) over (partition by anonymous_id))
        end as date) as customer_known_date
    from sessions
),

session_days as (
    select
        customer_id,
        session_date,
        customer_known_date,
        count(*) as sessions_count,
        sum(page_views) as page_views,
        max(session_end_at) as last_session_end_at,
        max(case when customer_session_number = 1 then utm_source end)
            as first_session_utm_source,
        max(case when customer_session_number = 1 then utm_medium end)
            as first_session_utm_medium
    from ranked
    group by customer_id, session_date, customer_known_date
),

final as (
    select
        -- ids
        customer_id,

        -- strings
        first_session_utm_source,
        first_session_utm_medium,

        -- numerics
        cast(sessions_count as integer) as sessions_count,
        cast(page_views as {{ dbt.type_bigint() }}) as page_views,

        -- dates and timestamps
        session_date,
        customer_known_date,
        last_session_end_at
    from session_days
)

select * from final
