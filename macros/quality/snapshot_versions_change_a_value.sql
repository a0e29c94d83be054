{#-
    Generic test on a timestamp snapshot (`model`): whether most of its recent versions change
    no value. A source that stamps every row with the export time (`updated_at` the time of a
    daily full export, not of the change) makes a new version of every key on every run: the
    history (dim_customers) then says everyone changed every day. Counts the versions of the
    last `days` days before the snapshot's latest version whose values (every column but the
    key, `updated_at` and dbt's own) equal their previous version's; returns one row (the
    counts) when they are at least `min_versions` and more than half of those days' versions.
    A source that writes a new version for a change in a column the project does not read
    gives a few such versions: below the share, no row.
-#}
{% test snapshot_versions_change_a_value(model, unique_key, updated_at='updated_at', days=7, min_versions=10) %}
    {%- set compared = [] -%}
    {%- set is_deleted_row = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(model) -%}
            {%- set name = column.name | lower -%}
            {%- if name == 'dbt_is_deleted' %}{% do is_deleted_row.append(name) %}{% endif -%}
            {%- if not name.startswith('dbt_') and name not in [unique_key | lower, updated_at | lower] -%}
                {%- do compared.append(name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}

with versions as (
    select
        {{ unique_key }},
        dbt_valid_from,
        {{ row_hash(compared or ['1']) }} as content_hash,
        lag({{ row_hash(compared or ['1']) }}) over (
            partition by {{ unique_key }} order by dbt_valid_from
        ) as previous_content_hash
    from {{ model }}
    {%- if is_deleted_row %}
    where cast(dbt_is_deleted as {{ dbt.type_string() }}) != 'True'
    {%- endif %}
),

recent as (
    select *
    from versions
    where
        previous_content_hash is not null
        and dbt_valid_from > (
            select {{ dbt.dateadd('day', -days, 'max(dbt_valid_from)') }} from versions
        )
),

counted as (
    select
        count(*) as recent_versions,
        coalesce(sum(case when content_hash = previous_content_hash then 1 else 0 end), 0)
            as unchanged_versions
    from recent
)

select * from counted
where unchanged_versions >= {{ min_versions }} and 2 * unchanged_versions > recent_versions
{% endtest %}
