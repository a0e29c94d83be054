{#-
    The first 60 bits of the md5 of a string expression, as a bigint (the same on every
    engine); null for null (`||`, not DuckDB's null-skipping `concat`).
-#}
{% macro md5_bigint(expression) %}
    {{ return(adapter.dispatch('md5_bigint', 'customer360')(expression)) }}
{% endmacro %}

{% macro duckdb__md5_bigint(expression) -%}
    cast('0x' || substr(md5({{ expression }}), 1, 15) as bigint)
{%- endmacro %}

{% macro spark__md5_bigint(expression) -%}
    cast(conv(substr(md5({{ expression }}), 1, 15), 16, 10) as bigint)
{%- endmacro %}
