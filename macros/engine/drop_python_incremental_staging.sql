{#-
    dbt-duckdb 1.11 stages an incremental run of a Python model in a table named
    <model>__dbt_tmp<timestamp> that it never drops (it takes it for a temporary table, but a
    Python model's table is written through another cursor, so it is a real table of the
    default schema): one leftover per run. A post-hook of such a model drops them. Other engines
    drop their own staging table (dbt-databricks) or do not run Python models (dbt-spark).
-#}
{% macro drop_python_incremental_staging(relation) %}
    {{ return(adapter.dispatch('drop_python_incremental_staging', 'customer360')(relation)) }}
{% endmacro %}

{% macro default__drop_python_incremental_staging(relation) %}
{% endmacro %}

{% macro duckdb__drop_python_incremental_staging(relation) %}
    {%- if execute -%}
        {%- set leftovers = run_query(
            "select table_catalog, table_schema, table_name from information_schema.tables"
            ~ " where table_catalog = '" ~ relation.database ~ "'"
            ~ " and starts_with(table_name, '" ~ relation.identifier ~ "__dbt_tmp')"
        ) -%}
        {%- for row in leftovers.rows -%}
            {%- do adapter.drop_relation(api.Relation.create(
                database=row[0], schema=row[1], identifier=row[2], type='table')) -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
