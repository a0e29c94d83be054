-- Web sessions: one row per session of int_web_events_sessionised (where sessions are cut and
-- kept up to date incrementally), with the customer it belongs to.
-- Invariants:
--   * every event of stg_web__events is in exactly one session
--     (tests/quality/assert_every_web_event_is_in_one_session.sql);
--   * a session belongs to the customer of the shop account logged in during it, else
--     (stitching) to its browser's customer (int_customer_identities: a browser that logged
--     in as one account is that account's customer's; a browser that never logged in is no
--     customer's).
-- A table, rebuilt every run from the sessionised events: a visitor's sessions always
-- match their events and current identity, whatever changed (a late or corrected event,
-- a new login), with nothing to delete or stitch again by hand.
-- session_id is a hash of the visitor and the session's first event time: stable across
-- runs unless a late event becomes the session's new first event.

with sessionised_events as (
    select * from {{ ref('int_web_events_sessionised') }}
),

account_identities as (
    select * from {{ ref('int_customer_identities') }}
    where node_type = 'account'
),

browser_identities as (
    select * from {{ ref('int_customer_identities') }}
    where node_type = 'browser' and is_identified
),

sessions as (
    select
        anonymous_id,
        session_number,
        max(shop_account_id) as logged_in_shop_account_id,
        max(case when is_session_start then utm_source end) as utm_source,
        max(case when is_session_start then utm_medium end) as utm_medium,
        max(case when is_session_start then utm_campaign end) as utm_campaign,
        max(case when is_session_start then referrer end) as referrer,
        max(case when is_session_start then device_type end) as device_type,
        max(case when is_session_start then page_url end) as landing_page_url,
        count(*) as events_count,
        sum(case when event_type = 'page_view' then 1 else 0 end) as page_views,
        sum(case when event_type = 'product_view' then 1 else 0 end) as product_views,
        sum(case when event_type = 'add_to_cart' then 1 else 0 end) as add_to_cart_events,
        max(case when event_type = 'purchase' then 1 else 0 end) = 1 as has_purchase,
        min(event_at) as session_start_at,
        max(event_at) as session_end_at,
        max(_ingested_at) as _max_ingested_at
    from sessionised_events
    group by anonymous_id, session_number
),

final as (
    select
        -- ids
        {{ generate_surrogate_key(['sessions.anonymous_id', 'sessions.session_start_at']) }}
            as session_id,
        sessions.anonymous_id,
        coalesce(account_identities.customer_id, browser_identities.customer_id) as customer_id,
        sessions.logged_in_shop_account_id,

        -- strings
        sessions.utm_source,
        sessions.utm_medium,
        sessions.utm_campaign,
        sessions.referrer,
        sessions.device_type,
        sessions.landing_page_url,

        -- numerics
        -- bigint: DuckDB's sum() is a 128-bit integer, several times slower to read back
        sessions.session_number,
        sessions.events_count,
        cast(sessions.page_views as {{ dbt.type_bigint() }}) as page_views,
        cast(sessions.product_views as {{ dbt.type_bigint() }}) as product_views,
        cast(sessions.add_to_cart_events as {{ dbt.type_bigint() }}) as add_to_cart_events,
        {{ dbt.datediff('sessions.session_start_at', 'sessions.session_end_at', 'second') }}
            as duration_seconds,

        -- booleans
        sessions.has_purchase,
        sessions.logged_in_shop_account_id is null
        and browser_identities.customer_id is not null as is_stitched,

        -- dates and timestamps
        cast(sessions.session_start_at as date) as session_date,
        sessions.session_start_at,
        sessions.session_end_at,

        -- lineage
        sessions._max_ingested_at
    from sessions
    left join account_identities
        on sessions.logged_in_shop_account_id = account_identities.source_id
    left join browser_identities
        on sessions.anonymous_id = browser_identities.source_id
)

select * from final
