{#-
    Generic test on a snapshot (`model`): the keys whose current row differs from the row of
    the model it snapshots (`source_model`) although both carry the same `updated_at`. A
    timestamp snapshot takes a new version only when `updated_at` moves forward, so a change
    an export sends again under the same `updated_at` reaches the staging model (and what
    reads it: customer_360) but not the snapshot (nor dim_customers, which reads it). Returns
    the key, the `updated_at` and the names of the columns that differ. The columns compared
    are those both relations have, except the key, `updated_at` and dbt's own (`dbt_`); a
    current row that is dbt's deletion row (`dbt_is_deleted`) is not compared.
-#}
{% test snapshot_holds_current_versions(model, source_model, unique_key, updated_at='updated_at') %}
    {%- set snapshot_columns = [] -%}
    {%- set compared = [] -%}
    {%- if execute -%}
        {%- set source_columns = adapter.get_columns_in_relation(source_model)
            | map(attribute='name') | map('lower') | list -%}
        {%- for column in adapter.get_columns_in_relation(model) -%}
            {%- set name = column.name | lower -%}
            {%- do snapshot_columns.append(name) -%}
            {%- if name in source_columns and not name.startswith('dbt_')
                and name not in [unique_key | lower, updated_at | lower] -%}
                {%- do compared.append(name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}

with current_versions as (
    select * from {{ model }}
    where
        dbt_valid_to is null
        {%- if 'dbt_is_deleted' in snapshot_columns %}
            and cast(dbt_is_deleted as {{ dbt.type_string() }}) != 'True'
        {%- endif %}
),

source_versions as (
    select * from {{ source_model }}
),

differing as (
    select
        current_versions.{{ unique_key }},
        current_versions.{{ updated_at }},
        {%- if compared %}
        concat_ws(', '
            {%- for name in compared %},
            case
                when current_versions.{{ name }} is distinct from source_versions.{{ name }}
                    then '{{ name }}'
            end
            {%- endfor %}
        ) as differing_columns
        {%- else %}
        cast('' as {{ dbt.type_string() }}) as differing_columns
        {%- endif %}
    from current_versions
    inner join source_versions
        on
            current_versions.{{ unique_key }} = source_versions.{{ unique_key }}
            and current_versions.{{ updated_at }} = source_versions.{{ updated_at }}
)

select * from differing
where differing_columns != ''
{% endtest %}
