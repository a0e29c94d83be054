-- Web events, each with its session: a run of one visitor's (anonymous_id's) events with no
-- gap of session_timeout_minutes or more. int_web_sessions sums the sessions up.
-- Invariants (a full refresh gives the same rows: tests/python/test_pipeline.py):
--   * one row per event of stg_web__events, in its current version (key event_id);
--   * a visitor's sessions are numbered 1, 2, ... in time order with no gap, each starting
--     at its one event with is_session_start.
-- Incremental, merged on event_id. An event staged since the last run (new, late or
-- corrected) can change its visitor's sessions only from the first one that ends less than
-- a timeout before it: the sessions before are kept, and every later event of the visitor
-- is sessionised again and numbered after them. A corrected event's stored row (where it
-- was sessionised before) touches its visitor and time too, so the event leaves its old
-- session; its row (keyed by event_id) moves with it, and no stale row is left, even for a
-- visitor left with no event.
-- (A stored event is rewritten only when its record or its session changed: dbt_project.yml.)
{{ config(materialized='incremental', unique_key='event_id') }}

{%- set timeout_seconds = var('session_timeout_minutes') * 60 %}

-- the columns a session needs, joined back after the windows below
with events as (
    select
        event_id,
        anonymous_id,
        shop_account_id,
        event_type,
        page_url,
        utm_source,
        utm_medium,
        utm_campaign,
        referrer,
        device_type,
        event_at,
        _ingested_at,
        _record_id
    from {{ ref('stg_web__events') }}
),

-- what the windows sort: every event of a visitor, by time (sorting the keys alone, not
-- the events' other columns, takes a third less time)
event_keys as (
    select
        event_id,
        anonymous_id,
        event_at
    from {{ ref('stg_web__events') }}
),

{%- if is_incremental() %}

    -- the events staged since the last run (new, late or corrected), where each is now
    staged_events as (
        select
            event_id,
            anonymous_id,
            event_at
        from {{ ref('stg_web__events') }}
        where _ingested_at > {{ last_ingested_at() }}
    ),

    -- where they were sessionised before (a corrected event's stored row)
    moved_events as (
        select
            stored_events.event_id,
            stored_events.anonymous_id,
            stored_events.event_at
        from {{ this }} as stored_events
        inner join staged_events
            on stored_events.event_id = staged_events.event_id
    ),

    -- their visitors, now and before, each with the time before which their stored sessions
    -- cannot change: a timeout before the earliest of their events touched
    touched_visitors as (
        select
            anonymous_id,
            min({{ dbt.dateadd('second', -timeout_seconds, 'event_at') }}) as keep_before
        from (
            select * from staged_events
            union all
            select * from moved_events
        ) as touched_events
        group by anonymous_id
    ),

    stored_sessions as (
        select
            stored_events.anonymous_id,
            stored_events.session_number,
            max(stored_events.event_at) as session_end_at
        from {{ this }} as stored_events
        inner join touched_visitors
            on stored_events.anonymous_id = touched_visitors.anonymous_id
        group by stored_events.anonymous_id, stored_events.session_number
    ),

    -- each touched visitor's events are sessionised again after the kept sessions
    resume_points as (
        select
            touched_visitors.anonymous_id,
            max(stored_sessions.session_end_at) as kept_until,
            count(stored_sessions.session_number) as kept_sessions_count
        from touched_visitors
        left join stored_sessions
            on
                touched_visitors.anonymous_id = stored_sessions.anonymous_id
                and touched_visitors.keep_before > stored_sessions.session_end_at
        group by touched_visitors.anonymous_id
    ),

    events_to_sessionise as (
        select
            event_keys.*,
            resume_points.kept_sessions_count
        from event_keys
        inner join resume_points
            on event_keys.anonymous_id = resume_points.anonymous_id
        where
            resume_points.kept_until is null
            or event_keys.event_at > resume_points.kept_until
    ),
{%- else %}

events_to_sessionise as (
    select
        *,
        0 as kept_sessions_count
    from event_keys
),
{%- endif %}

with_previous as (
    select
        *,
        lag(event_at) over (
            partition by anonymous_id order by event_at, event_id
        ) as previous_event_at
    from events_to_sessionise
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

final as (
    select
        -- the event
        events.event_id,
        events.anonymous_id,
        events.shop_account_id,
        events.event_type,
        events.page_url,
        events.utm_source,
        events.utm_medium,
        events.utm_campaign,
        events.referrer,
        events.device_type,
        events.event_at,
        events._ingested_at,
        events._record_id,

        -- its session
        numbered_events.session_number,
        numbered_events.is_session_start
    from numbered_events
    inner join events
        on numbered_events.event_id = events.event_id
)

select * from final
