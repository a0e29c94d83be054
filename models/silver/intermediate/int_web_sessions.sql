-- Web sessions: one row per session of int_web_events_sessionised (where sessions are cut and
-- kept up to date incrementally), with the customer it belongs to.
-- Invariants:
--   * every event of stg_web__events is in exactly one session
--     (tests/quality/assert_every_web_event_is_in_one_session.sql);
--   * a session belongs to the customer of the shop account logged in during it, else
--     (stitching) to its browser's customer (int_customer_identities: a browser that logged
--     in as one account is that account's customer's; a browser that never logged in is no
--     customer's).
-- Incremental, per visitor (delete+insert on anonymous_id): a run sums up again every
-- session of the visitors it touches, those whose events or identity may have changed:
--   * the visitors of the events sessionised since the last run (new, late or corrected);
--   * the visitors where a corrected event was before (its earlier versions, base model);
--   * the visitors whose stored sessions' customer is no longer the current identity's (a
--     new login, customers merged or split).
-- The other visitors' sessions are kept as stored; a visitor left with no event (every
-- event corrected to another visitor) loses its sessions (post-hook: it compares with the
-- events' distinct visitors, so DuckDB hashes each visitor once, not each event). So a
-- visitor's sessions always match their events and current identity, as a full refresh
-- builds them.
-- session_id is a hash of the visitor and the session's first event time: stable across
-- runs unless a late event becomes the session's new first event.
-- depends_on: {{ ref('base_web__events') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='anonymous_id',
    post_hook=[
        "{% if is_incremental() %}delete from {{ this }} where anonymous_id not in"
        ~ " (select distinct sessionised.anonymous_id"
        ~ " from {{ ref('int_web_events_sessionised') }} as sessionised){% endif %}",
    ],
) }}

with all_sessionised_events as (
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

{%- if is_incremental() %}

    -- the events sessionised since the last run (read from the table: a second reference to
    -- all_sessionised_events would make DuckDB materialise every event)
    new_events as (
        select
            event_id,
            anonymous_id
        from {{ ref('int_web_events_sessionised') }}
        where _ingested_at > {{ last_ingested_at('_max_ingested_at') }}
    ),

    -- the visitors whose stored sessions now belong to another customer
    restitched_visitors as (
        select stored_sessions.anonymous_id
        from {{ this }} as stored_sessions
        left join account_identities
            on stored_sessions.logged_in_shop_account_id = account_identities.source_id
        left join browser_identities
            on stored_sessions.anonymous_id = browser_identities.source_id
        where
            coalesce(account_identities.customer_id, browser_identities.customer_id)
            is distinct from stored_sessions.customer_id
    ),

    touched_visitors as (
        select anonymous_id from new_events
        union distinct
        select versions.anonymous_id
        from {{ ref('base_web__events') }} as versions
        where
            versions.anonymous_id is not null
            and versions.event_id in (select new_events.event_id from new_events)
        union distinct
        select anonymous_id from restitched_visitors
    ),

    sessionised_events as (
        select * from all_sessionised_events
        where anonymous_id in (select touched_visitors.anonymous_id from touched_visitors)
    ),
{%- else %}

sessionised_events as (
    select * from all_sessionised_events
),
{%- endif %}

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
