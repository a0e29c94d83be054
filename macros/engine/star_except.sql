{#- `*` without the named columns: DuckDB spells it EXCLUDE, Spark and Databricks EXCEPT. -#}
{% macro star_except(column_names) %}
    {{ return(adapter.dispatch('star_except', 'customer360')(column_names)) }}
{% endmacro %}

{% macro default__star_except(column_names) -%}
    * except ({{ column_names | join(', ') }})
{%- endmacro %}

{% macro duckdb__star_except(column_names) -%}
    * exclude ({{ column_names | join(', ') }})
{%- endmacro %}
