{#-
    Generic test on a staging model (`model`, one current version per `column_name`): the keys
    whose version delivered last (the highest record id of `versions`, the base model: a later
    file by name, or further down the same file) is not the current one although it lost only
    for want of its time. A version time that is a date alone (`2026-06-30`) reads as its
    midnight, older than a version of the same day with a time; and with `defaulted`, the base
    model's flag of a version time taken from another column (an order without `updated_at`:
    its `ordered_at`, older than a version that changed it). An export that drops the column
    or its time re-sends a change (a cancellation, a new email) that staging then ignores.
    Returns the key, both record ids and the current version's time; for severity warn.
-#}
{% test versions_sent_again_are_current(model, column_name, versions, version_time='updated_at', defaulted=none) %}

with accepted_versions as (
    select * from {{ versions }}
    where not _is_quarantined
),

current_versions as (
    select * from {{ model }}
),

last_delivered as (
    select
        {{ column_name }} as version_key,
        max(_record_id) as _record_id
    from accepted_versions
    group by {{ column_name }}
    having count(*) > 1
),

stale as (
    select
        last_delivered.version_key,
        last_delivered._record_id as last_delivered_record_id,
        current_versions._record_id as current_record_id,
        current_versions.{{ version_time }} as current_version_time
    from last_delivered
    inner join accepted_versions
        on last_delivered._record_id = accepted_versions._record_id
    inner join current_versions
        on last_delivered.version_key = current_versions.{{ column_name }}
    where
        current_versions._record_id != last_delivered._record_id
        and (
            {%- if defaulted %}
            accepted_versions.{{ defaulted }} or
            {%- endif %}
            -- a date without its time of day, read as the midnight of the current version's day
            (
                accepted_versions.{{ version_time }}
                = date_trunc('day', accepted_versions.{{ version_time }})
                and cast(accepted_versions.{{ version_time }} as date)
                = cast(current_versions.{{ version_time }} as date)
            )
        )
)

select * from stale

{% endtest %}
