{#-
    on-run-start: create or replace the SQL functions of the column masks and the row filter
    (governance_functions_sql) before any model is built, so that a gold table can name them.
    Unity Catalog only: a no-op on DuckDB and on local Spark, which have neither masks nor
    filters.
-#}
{% macro create_governance_functions() %}
    {{ return(adapter.dispatch('create_governance_functions', 'customer360')()) }}
{% endmacro %}

{% macro default__create_governance_functions() %}
    {{ return('') }}
{% endmacro %}

{% macro databricks__create_governance_functions() %}
    {% if execute %}
        {% for statement in governance_functions_sql() %}
            {% do run_query(statement) %}
        {% endfor %}
        {{ log("Governance functions mask_email, mask_phone and region_row_filter are up to date.", info=true) }}
    {% endif %}
    {{ return('') }}
{% endmacro %}
