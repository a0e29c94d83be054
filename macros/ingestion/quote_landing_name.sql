{#-
    A column name read from a landing file (a CSV header, a Parquet schema) as a quoted SQL
    identifier, with the quote character doubled inside it, so that the name is data and never
    SQL (adapter.quote does not escape). Dispatched: DuckDB double quotes, Spark backticks.
-#}
{% macro quote_landing_name(name) %}
    {{ return(adapter.dispatch('quote_landing_name', 'customer360')(name)) }}
{% endmacro %}

{% macro default__quote_landing_name(name) -%}
    {{ return('"' ~ (name | string | replace('"', '""')) ~ '"') }}
{%- endmacro %}

{% macro spark__quote_landing_name(name) -%}
    {{ return('`' ~ (name | string | replace('`', '``')) ~ '`') }}
{%- endmacro %}
