-- Sessionisation neither loses nor duplicates events: per visitor, the events counted in
-- the sessions of int_web_sessions add up to the events of stg_web__events.
-- Returns the visitors where the counts differ.

with events as (
    select * from {{ ref('stg_web__events') }}
),

sessions as (
    select * from {{ ref('int_web_sessions') }}
),

visitor_events as (
    select
        anonymous_id,
        count(*) as events_count
    from events
    group by 1
),

visitor_sessions as (
    select
        anonymous_id,
        sum(events_count) as events_count
    from sessions
    group by 1
),

compared as (
    select
        coalesce(visitor_events.anonymous_id, visitor_sessions.anonymous_id)
            as anonymous_id,
        coalesce(visitor_events.events_count, 0) as events_count,
        coalesce(visitor_sessions.events_count, 0) as sessionised_events_count
    from visitor_events
    full outer join visitor_sessions
        on visitor_events.anonymous_id = visitor_sessions.anonymous_id
),

final as (
    select * from compared
    where events_count != sessionised_events_count
)

select * from final
