{#-
    A share per landing table from the dbt var `name` (a mapping such as
    quarantine_rate_thresholds: `<source>.<table>` to a share, else its `default`, else
    `fallback`), checked: a number from 0 to 1. Anything else (`'20%'`, `true`) stops the build
    with a sentence naming the var, the key and the value, where a cast would read it as 0.
-#}
{% macro share_var(name, source_table, fallback) %}
    {%- set shares = var(name, {}) -%}
    {%- if shares is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must map landing tables (and `default`) to shares, such as"
            ~ " {default: 0.05, " ~ source_table ~ ": 0.2}, not " ~ shares ~ ".") }}
    {%- endif -%}
    {%- set key = source_table if source_table in shares else 'default' -%}
    {%- set value = shares.get(key, fallback) -%}
    {#- the comparisons written so that NaN fails them -#}
    {%- if value is not number or value is boolean or not (value >= 0 and value <= 1) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must give " ~ key ~ " a share from 0 to 1 (0.05 for 5 %), not "
            ~ (value | tojson if value is string else value) ~ ".") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}
