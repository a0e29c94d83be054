{#- A 64-bit hash of the values of the named columns (nulls included). -#}
{% macro row_hash(column_names) %}
    {{ return(adapter.dispatch('row_hash', 'customer360')(column_names)) }}
{% endmacro %}

{% macro duckdb__row_hash(column_names) -%}
    hash({{ column_names | join(', ') }})
{%- endmacro %}

{% macro spark__row_hash(column_names) -%}
    xxhash64({{ column_names | join(', ') }})
{%- endmacro %}
