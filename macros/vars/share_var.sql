{#-
    A share per landing table from the dbt var `name` (a mapping such as
    quarantine_rate_thresholds: `<source>.<table>` to a share, else its `default`, else
    `fallback`), checked: a number from 0 to 1. Anything else (`'20%'`, `true`) stops the build
    with a sentence naming the var, the key and the value, where a cast would read it as 0.
-#}
{% macro share_var(name, source_table, fallback) %}
    {%- set shares = var(name, {}) -%}
    {%- set key = source_table if source_table in shares else 'default' -%}
    {%- set value = shares.get(key, fallback) -%}
    {%- if value is not number or value is boolean or value < 0 or value > 1 -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must give " ~ key ~ " a share from 0 to 1 (0.05 for 5 %), not "
            ~ (value | tojson) ~ ".") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}
