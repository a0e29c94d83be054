-- Web sessions: a run of one visitor's (anonymous_id's) events of stg_web__events with no gap
-- of session_timeout_minutes or more is one session; one row per session, with the customer
-- it belongs to.
-- Invariants (a full refresh gives the same rows: tests/python/test_pipeline.py):
--   * every event of stg_web__events is in exactly one session
--     (tests/quality/assert_every_web_event_is_in_one_session.sql);
--   * a visitor's sessions are numbered 1, 2, ... in time order with no gap;
--   * a session belongs to the customer of the shop account logged in during it, else
--     (stitching) to its browser's customer (int_customer_identities: a browser that logged
--     in as one account is that account's customer's; a browser that never logged in is no
--     customer's).
-- Incremental, per visitor (delete+insert on anonymous_id): a run writes again every session
-- of the visitors it touches, those whose events or identity may have changed:
--   * the visitors of the events staged since the last run (new, late or corrected);
--   * the visitors where a corrected event was before (its earlier versions, base model);
--   * the visitors whose stored sessions' customer is no longer the current identity's (a
--     new login, customers merged or split).
-- An event can change its visitor's sessions only from the first one that ends less than a
-- timeout before it (or before where a corrected event was): the sessions before are kept as
-- stored, and the visitor's later events are sessionised again and numbered after them. So
-- a late event lands in the right session (and can join two into one), a corrected event
-- leaves its old one, and a visitor whose customer alone changed keeps every stored session,
-- given its current customer. The other visitors' sessions are not written. A visitor left
-- with no event (every event corrected to another visitor) loses its sessions (post-hook: it
-- compares with the events' distinct visitors, so DuckDB hashes each visitor once, not each
-- event). So a visitor's sessions always match their events and current identity, as a full
-- refresh builds them.
-- session_id is a hash of the visitor and the session's first event time: stable across
-- runs unless a late event becomes the session's new first event.
-- depends_on: {{ ref('base_web__events') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='anonymous_id',
    post_hook=[
        "{% if is_incremental() %}delete from {{ this }} where anonymous_id not in"
        ~ " (select distinct events.anonymous_id"
        ~ " from {{ ref('stg_web__events') }} as events){% endif %}",
    ],
) }}
{{ assert_reporting_time_zone_unchanged() }}

{%- set timeout_seconds = number_var('session_timeout_minutes', 1, integer=true) * 60 %}

with account_identities as (
    select * from {{ ref('int_customer_identities') }}
    where node_type = 'account'
),

browser_identities as (
    select * from {{ ref('int_customer_identities') }}
    where node_type = 'browser' and is_identified
),

{%- if is_incremental() %}

    -- the events staged since the last run (new, late or corrected)
    new_events as (
        select event_id
        from {{ ref('stg_web__events') }}
        where _ingested_at > {{ last_ingested_at('_max_ingested_at') }}
    ),

    -- where each version of them is or was: the staged one, and a corrected event's earlier
    -- visitor and time (base model; a version without a visitor or time never had a session)
    touched_events as (
        select
            versions.anonymous_id,
            versions.event_at
        from {{ ref('base_web__events') }} as versions
        where
            versions.anonymous_id is not null
            and versions.event_at is not null
            and versions.event_id in (select new_events.event_id from new_events)
    ),

    -- each visitor they touch, with the time before which its stored sessions cannot change:
    -- a timeout before the earliest of its events touched
    event_touched_visitors as (
        select
            anonymous_id,
            min({{ dbt.dateadd('second', -timeout_seconds, 'event_at') }}) as keep_before
        from touched_events
        group by anonymous_id
    ),

    -- the visitors whose stored sessions now belong to another customer
    restitched_visitors as (
        select distinct stored_sessions.anonymous_id
        from {{ this }} as stored_sessions
        left join account_identities
            on stored_sessions.logged_in_shop_account_id = account_identities.source_id
        left join browser_identities
            on stored_sessions.anonymous_id = browser_identities.source_id
        where
            coalesce(account_identities.customer_id, browser_identities.customer_id)
            is distinct from stored_sessions.customer_id
    ),

    -- every visitor written again; keep_before null: only its customer changed, so all of
    -- its stored sessions are kept (and given their current customer below)
    touched_visitors as (
        select
            anonymous_id,
            keep_before
        from event_touched_visitors
        union all
        select
            anonymous_id,
            cast(null as timestamp) as keep_before
        from restitched_visitors
        where
            anonymous_id not in (
                select event_touched_visitors.anonymous_id from event_touched_visitors
            )
    ),

    -- the stored sessions a run keeps: those ending before their visitor's keep_before
    kept_sessions as (
        select stored_sessions.*
        from {{ this }} as stored_sessions
        inner join touched_visitors
            on stored_sessions.anonymous_id = touched_visitors.anonymous_id
        where
            touched_visitors.keep_before is null
            or stored_sessions.session_end_at < touched_visitors.keep_before
    ),

    -- where each visitor touched by an event is sessionised again: after its kept sessions,
    -- numbered after them
    resume_points as (
        select
            event_touched_visitors.anonymous_id,
            max(kept_sessions.session_end_at) as kept_until,
            count(kept_sessions.session_number) as kept_sessions_count
        from event_touched_visitors
        left join kept_sessions
            on event_touched_visitors.anonymous_id = kept_sessions.anonymous_id
        group by event_touched_visitors.anonymous_id
    ),
{%- endif %}

-- every event's columns, joined back by event_id to the events sessionised below
events as (
    select * from {{ ref('stg_web__events') }}
),

-- the events sessionised (every event on a first build or a full refresh): what the windows
-- sort, their keys only (sorting the keys alone, not the events' other columns, takes a
-- fifth less time)
event_keys as (
    select
        stg_events.event_id,
        stg_events.anonymous_id,
        stg_events.event_at,
        {%- if is_incremental() %}
            resume_points.kept_sessions_count
        {%- else %}
            0 as kept_sessions_count
        {%- endif %}
    from {{ ref('stg_web__events') }} as stg_events
    {% if is_incremental() %}
        inner join resume_points
            on stg_events.anonymous_id = resume_points.anonymous_id
        where
            resume_points.kept_until is null
            or stg_events.event_at > resume_points.kept_until
    {% endif %}
),

with_previous as (
    select
        *,
        lag(event_at) over (
            partition by anonymous_id order by event_at, event_id
        ) as previous_event_at
    from event_keys
),

session_starts as (
    select
        *,
        previous_event_at is null
        or {{ dbt.datediff('previous_event_at', 'event_at', 'second') }}
        >= {{ timeout_seconds }} as is_session_start
    from with_previous
),

numbered_events as (
    select
        event_id,
        -- the kept sessions, then one more at each start (bigint: DuckDB's sum() is a
        -- 128-bit integer, several times slower to read back)
        cast(kept_sessions_count + sum(case when is_session_start then 1 else 0 end) over (
            partition by anonymous_id
            order by event_at, event_id
            rows between unbounded preceding and current row
        ) as {{ dbt.type_bigint() }}) as session_number,
        is_session_start
    from session_starts
),

sessionised_events as (
    select
        events.*,
        numbered_events.session_number,
        numbered_events.is_session_start
    from numbered_events
    inner join events
        on numbered_events.event_id = events.event_id
),

sessionised as (
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

sessions as (
    select * from sessionised
    {%- if is_incremental() %}
        union all
        select
            anonymous_id,
            session_number,
            logged_in_shop_account_id,
            utm_source,
            utm_medium,
            utm_campaign,
            referrer,
            device_type,
            landing_page_url,
            events_count,
            page_views,
            product_views,
            add_to_cart_events,
            has_purchase,
            session_start_at,
            session_end_at,
            _max_ingested_at
        from kept_sessions
    {%- endif %}
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
        {{ reporting_date('sessions.session_start_at') }} as session_date,
        {{ reporting_time_zone_column() }},
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
