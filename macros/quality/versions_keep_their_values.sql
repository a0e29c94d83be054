{#-
    Generic test on a base model (`model`, every version of a landing table's keys, with its
    verdict): whether most of its recent accepted versions clear values that the key's
    version before had, as landed (`bronze_model`, joined by record id). A source that sends
    change lines of the changed fields only (`{"crm_id": ..., "updated_at": ..., "tier":
    "gold"}`, as some CRMs' change feeds do) is read as whole records whose other fields are
    empty: each such version clears the contact's name, email and consent, and identity
    resolution loses what linked them. Counts the versions of the last `days` days before the
    latest version (`version_time`) that clear `min_cleared` values or more (a value before,
    empty now, over the landing table's contract columns but the key and the version time);
    returns one row (the counts) when they are at least `min_versions` and more than half of
    those days' versions that follow another. A contact who removes a phone clears one value:
    no row.
-#}
{% test versions_keep_their_values(model, column_name, bronze_model, landing_table, version_time='updated_at', days=7, min_versions=3, min_cleared=3) %}
    {%- set compared = [] -%}
    {%- for name in raw_record_columns(landing_table) if name not in [column_name, version_time] -%}
        {%- do compared.append(name) -%}
    {%- endfor %}

with versions as (
    select
        base.{{ column_name }} as version_key,
        base.{{ version_time }} as version_time,
        {%- for name in compared %}
        nullif(trim(cast(landed.{{ name }} as {{ dbt.type_string() }})), '') as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }} as base
    inner join {{ bronze_model }} as landed
        on base._record_id = landed._record_id
    where not base._is_quarantined and base.{{ column_name }} is not null
),

compared as (
    select
        version_key,
        version_time,
        lag(version_time) over previous_versions as previous_version_time,
        0
        {%- for name in compared %}
        + case
            when {{ name }} is null and lag({{ name }}) over previous_versions is not null then 1
            else 0
        end
        {%- endfor %} as cleared_values
    from versions
    window previous_versions as (partition by version_key order by version_time)
),

recent as (
    select *
    from compared
    where
        previous_version_time is not null
        and version_time > (
            select {{ dbt.dateadd('day', -days, 'max(version_time)') }} from versions
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
