{#- A 64-bit hash of the values of the named columns, nulls included: a value moved from
    one column to a null neighbour, or a null column added, gives another hash. -#}
{% macro row_hash(column_names) %}
    {{ return(adapter.dispatch('row_hash', 'customer360')(column_names)) }}
{% endmacro %}

{% macro duckdb__row_hash(column_names) -%}
    hash({{ column_names | join(', ') }})
{%- endmacro %}

{#- Spark's xxhash64 skips null arguments (xxhash64('a', null, 'b') = xxhash64(null, 'a', 'b')),
    so each column is followed by whether it is null -#}
{% macro spark__row_hash(column_names) -%}
    xxhash64(
    {%- for column_name in column_names -%}
        {{ column_name }}, {{ column_name }} is null{{ ', ' if not loop.last }}
    {%- endfor -%}
    )
{%- endmacro %}
