{#- Timestamps relative to the build time, which a seed cannot hold. -#}
{%- set now_utc = 'cast(' ~ dbt.current_timestamp() ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}

with

offsets as (

    select
        1 as recent_event_id,
        'fresh' as feed,
        {{ dbt.dateadd('hour', -1, now_utc) }} as received_at

    union all

    select
        2 as recent_event_id,
        'fresh' as feed,
        {{ dbt.dateadd('day', -3, now_utc) }} as received_at

    union all

    select
        3 as recent_event_id,
        'stale' as feed,
        {{ dbt.dateadd('day', -10, now_utc) }} as received_at

    union all

    select
        4 as recent_event_id,
        'stale' as feed,
        {{ dbt.dateadd('day', -12, now_utc) }} as received_at

    union all

    select
        5 as recent_event_id,
        'future' as feed,
        {{ dbt.dateadd('day', 10, now_utc) }} as received_at

),

final as (

    select
        recent_event_id,
        feed,
        cast(received_at as date) as received_date,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at
    from offsets

)

select * from final
