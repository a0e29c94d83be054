-- Web sessions: a visitor's (anonymous_id's) events with no gap of session_timeout_minutes
-- or more. Incremental, delete+insert on anonymous_id: each visitor with new events (late
-- ones included) is sessionised again from their first session that a new event can change
-- (one that ends less than a timeout before the earliest new event, or before an earlier
-- version of one); the sessions before it are kept, stitched again to the visitor's current
-- identity, and the new ones numbered after them. So a late event lands in the right
-- session, a corrected event leaves its old one, and a new login stitches the visitor's
-- earlier anonymous sessions, as in a full refresh.
-- A changed visitor left with no event at all (every event of theirs corrected to another
-- visitor) is emitted as one row without a session, so that delete+insert removes their
-- stale sessions; the post-hook then deletes that row.
-- session_id is a hash of the visitor and the session's first event time: stable across
-- runs unless a late event becomes the session's new first event.
-- depends_on: {{ ref('base_web__events') }}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='anonymous_id',
    post_hook="{% if is_incremental() %}delete from {{ this }} where session_id is null{% endif %}",
) }}

{%- set timeout_seconds = var('session_timeout_minutes') * 60 %}

-- only the columns a session needs: the windows below sort every event of a visitor
with events as (
    select
        anonymous_id,
        event_id,
        customer_id,
        event_type,
        page_url,
        utm_source,
        utm_medium,
        utm_campaign,
        referrer,
        device_type,
        event_at,
        _ingested_at
    from {{ ref('stg_web__events') }}
),

identities as (
    select * from {{ ref('int_visitor_identities') }}
),

{%- if is_incremental() %}

    -- where sessions can change: every version (base_web__events) of the events staged since
    -- the last run, so that an event whose newer version moved it in time or to another
    -- visitor also reopens the session it was in. Read apart from `events`, which the
    -- windows below then scan only once.
    new_events as (
        select
            anonymous_id,
            event_at
        from {{ ref('base_web__events') }}
        where
            anonymous_id is not null
            and event_at is not null
            and event_id in (
                select staged.event_id from {{ ref('stg_web__events') }} as staged
                where staged._ingested_at > {{ last_ingested_at("_max_ingested_at") }}
            )
    ),

    -- per changed visitor, the sessions that end before keep_before stay (a new login
    -- alone moves no session boundary: all of them stay, to be stitched again)
    changed_visitors as (
        select
            anonymous_id,
            coalesce(min(keep_before), cast('9999-12-31' as timestamp)) as keep_before
        from (
            select
                anonymous_id,
                {{ dbt.dateadd('second', -timeout_seconds, 'event_at') }} as keep_before
            from new_events
            union all
            select
                anonymous_id,
                cast(null as timestamp) as keep_before
            from identities
            where _ingested_at > {{ last_ingested_at("_max_ingested_at") }}
        ) as session_changes
        group by anonymous_id
    ),

    kept_sessions as (
        select current_sessions.*
        from {{ this }} as current_sessions
        inner join changed_visitors
            on current_sessions.anonymous_id = changed_visitors.anonymous_id
        where current_sessions.session_end_at < changed_visitors.keep_before
    ),

    resume_points as (
        select
            changed_visitors.anonymous_id,
            max(kept_sessions.session_end_at) as kept_until,
            count(kept_sessions.session_id) as kept_sessions_count
        from changed_visitors
        left join kept_sessions
            on changed_visitors.anonymous_id = kept_sessions.anonymous_id
        group by changed_visitors.anonymous_id
    ),

    visitor_events as (
        select
            events.*,
            resume_points.kept_sessions_count
        from events
        inner join resume_points
            on events.anonymous_id = resume_points.anonymous_id
        where
            resume_points.kept_until is null
            or events.event_at > resume_points.kept_until
    ),
{%- else %}

visitor_events as (
    select
        *,
        0 as kept_sessions_count
    from events
),
{%- endif %}

with_previous as (
    select
        *,
        lag(event_at) over (
            partition by anonymous_id order by event_at, event_id
        ) as previous_event_at
    from visitor_events
),

session_starts as (
    select
        *,
        case
            when previous_event_at is null then 1
            when
                {{ dbt.datediff('previous_event_at', 'event_at', 'second') }}
                >= {{ timeout_seconds }} then 1
            else 0
        end as is_session_start
    from with_previous
),

numbered as (
    select
        *,
        kept_sessions_count + sum(is_session_start) over (
            partition by anonymous_id
            order by event_at, event_id
            rows between unbounded preceding and current row
        ) as session_number
    from session_starts
),

sessions as (
    select
        anonymous_id,
        session_number,
        max(customer_id) as logged_in_customer_id,
        max(case when is_session_start = 1 then utm_source end) as utm_source,
        max(case when is_session_start = 1 then utm_medium end) as utm_medium,
        max(case when is_session_start = 1 then utm_campaign end) as utm_campaign,
        max(case when is_session_start = 1 then referrer end) as referrer,
        max(case when is_session_start = 1 then device_type end) as device_type,
        max(case when is_session_start = 1 then page_url end) as landing_page_url,
        count(*) as events_count,
        sum(case when event_type = 'page_view' then 1 else 0 end) as page_views,
        sum(case when event_type = 'product_view' then 1 else 0 end) as product_views,
        sum(case when event_type = 'add_to_cart' then 1 else 0 end) as add_to_cart_events,
        max(case when event_type = 'purchase' then 1 else 0 end) = 1 as has_purchase,
        min(event_at) as session_start_at,
        max(event_at) as session_end_at,
        max(_ingested_at) as _max_ingested_at
    from numbered
    group by anonymous_id, session_number
),

final as (
    select
        -- ids
        {{ generate_surrogate_key(['sessions.anonymous_id', 'sessions.session_start_at']) }}
            as session_id,
        sessions.anonymous_id,
        coalesce(sessions.logged_in_customer_id, identities.customer_id) as customer_id,

        -- strings
        sessions.utm_source,
        sessions.utm_medium,
        sessions.utm_campaign,
        sessions.referrer,
        sessions.device_type,
        sessions.landing_page_url,

        -- numerics
        -- bigint: DuckDB's sum() is a 128-bit integer, several times slower to read back
        cast(sessions.session_number as {{ dbt.type_bigint() }}) as session_number,
        sessions.events_count,
        cast(sessions.page_views as {{ dbt.type_bigint() }}) as page_views,
        cast(sessions.product_views as {{ dbt.type_bigint() }}) as product_views,
        cast(sessions.add_to_cart_events as {{ dbt.type_bigint() }}) as add_to_cart_events,
        {{ dbt.datediff('sessions.session_start_at', 'sessions.session_end_at', 'second') }}
            as duration_seconds,

        -- booleans
        sessions.has_purchase,
        sessions.logged_in_customer_id is null
        and identities.customer_id is not null as is_stitched,

        -- dates and timestamps
        cast(sessions.session_start_at as date) as session_date,
        sessions.session_start_at,
        sessions.session_end_at,

        -- lineage
        sessions._max_ingested_at
    from sessions
    left join identities
        on sessions.anonymous_id = identities.anonymous_id
)

select * from final
{%- if is_incremental() %}
    -- the visitor's earlier sessions (delete+insert replaces all of them): as they were,
    -- except that the anonymous ones (not logged in: stitched, or without a customer) take
    -- the visitor's current identity
    union all
    select
        kept_sessions.session_id,
        kept_sessions.anonymous_id,
        case
            when kept_sessions.is_stitched or kept_sessions.customer_id is null
                then identities.customer_id
            else kept_sessions.customer_id
        end as customer_id,
        kept_sessions.utm_source,
        kept_sessions.utm_medium,
        kept_sessions.utm_campaign,
        kept_sessions.referrer,
        kept_sessions.device_type,
        kept_sessions.landing_page_url,
        kept_sessions.session_number,
        kept_sessions.events_count,
        kept_sessions.page_views,
        kept_sessions.product_views,
        kept_sessions.add_to_cart_events,
        kept_sessions.duration_seconds,
        kept_sessions.has_purchase,
        (kept_sessions.is_stitched or kept_sessions.customer_id is null)
        and identities.customer_id is not null as is_stitched,
        kept_sessions.session_date,
        kept_sessions.session_start_at,
        kept_sessions.session_end_at,
        kept_sessions._max_ingested_at
    from kept_sessions
    left join identities
        on kept_sessions.anonymous_id = identities.anonymous_id

    -- the changed visitors with no event left: no session to keep or make
    union all
    select
        cast(null as {{ dbt.type_string() }}) as session_id,
        resume_points.anonymous_id,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        cast(null as {{ dbt.type_string() }}) as referrer,
        cast(null as {{ dbt.type_string() }}) as device_type,
        cast(null as {{ dbt.type_string() }}) as landing_page_url,
        cast(null as {{ dbt.type_bigint() }}) as session_number,
        cast(null as {{ dbt.type_bigint() }}) as events_count,
        cast(null as {{ dbt.type_bigint() }}) as page_views,
        cast(null as {{ dbt.type_bigint() }}) as product_views,
        cast(null as {{ dbt.type_bigint() }}) as add_to_cart_events,
        cast(null as {{ dbt.type_bigint() }}) as duration_seconds,
        cast(null as boolean) as has_purchase,
        cast(null as boolean) as is_stitched,
        cast(null as date) as session_date,
        cast(null as timestamp) as session_start_at,
        cast(null as timestamp) as session_end_at,
        cast(null as timestamp) as _max_ingested_at
    from resume_points
    where
        resume_points.kept_sessions_count = 0
        and not exists (
            select 1 as has_event from visitor_events
            where visitor_events.anonymous_id = resume_points.anonymous_id
        )
{%- endif %}
