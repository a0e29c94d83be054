{#-
    dbt.safe_cast: dbt-duckdb 1.11 falls back to dbt's default__safe_cast and dbt-spark's
    spark__safe_cast (which dbt-databricks uses) is a plain cast too; either fails the whole
    query on one bad value (on Databricks SQL warehouses ANSI mode is on). try_cast returns
    null instead, which is what "safe" means: the bad value is then caught by a drop rule.
    Found through the dispatch config in dbt_project.yml (macro_namespace dbt).
-#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
