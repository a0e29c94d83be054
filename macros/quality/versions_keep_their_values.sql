{#-
    Generic test on a base model (`model`, every version of a landing table's keys, with its
    verdict): whether most of its recent accepted versions clear values of `columns` that the
    key's version before had. A source that sends change lines of the changed fields only
    (`{"crm_id": ..., "updated_at": ..., "tier": "gold"}`, as some CRMs' change feeds do) is
    read as whole records whose other fields are empty: each such version clears the
    contact's name, email and consent, and identity resolution loses what linked them. Counts
    the versions of the last `days` days before the latest version (`version_time`) that clear
    `min_cleared` values or more (a value before, null now); returns one row (the counts) when
    they are at least `min_versions` and more than half of those days' versions that follow
    another. A contact who removes a phone clears one value: no row. Reads the base model
    alone, so that a build of a selection that holds its bronze model but not it does not
    pick the test.
-#}
{% test versions_keep_their_values(model, column_name, columns, version_time='updated_at', days=7, min_versions=3, min_cleared=3) %}

with versions as (
    select * from {{ model }}
    where not _is_quarantined and {{ column_name }} is not null
),

compared as (
    select
        {{ column_name }} as version_key,
        {{ version_time }} as version_time,
        lag({{ version_time }}) over previous_versions as previous_version_time,
        0
        {%- for name in columns %}
        + case
            when {{ name }} is null and lag({{ name }}) over previous_versions is not null then 1
            else 0
        end
        {%- endfor %} as cleared_values
    from versions
    window previous_versions as (partition by {{ column_name }} order by {{ version_time }})
),

recent as (
    select *
    from compared
    where
        previous_version_time is not null
        and version_time > (
            select {{ dbt.dateadd('day', -days, 'max(compared.version_time)') }} from compared
        )
),

counted as (
    select
        count(*) as recent_versions,
        coalesce(sum(case when cleared_values >= {{ min_cleared }} then 1 else 0 end), 0)
            as clearing_versions
    from recent
)

select * from counted
where clearing_versions >= {{ min_versions }} and 2 * clearing_versions > recent_versions

{% endtest %}
