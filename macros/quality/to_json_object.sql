{#- A JSON object text of the named columns, e.g. the raw record kept in quarantine. -#}
{% macro to_json_object(column_names) %}
    {{ return(adapter.dispatch('to_json_object', 'customer360')(column_names)) }}
{% endmacro %}

{% macro duckdb__to_json_object(column_names) -%}
    cast(json_object({% for name in column_names %}'{{ name.split(".")[-1] }}', {{ name }}{{ ', ' if not loop.last }}{% endfor %}) as varchar)
{%- endmacro %}

{#- Null columns are written as null (to_json leaves them out by default), as DuckDB does. -#}
{% macro spark__to_json_object(column_names) -%}
    to_json(
        named_struct({% for name in column_names %}'{{ name.split(".")[-1] }}', {{ name }}{{ ', ' if not loop.last }}{% endfor %}),
        map('ignoreNullFields', 'false')
    )
{%- endmacro %}
