{#-
    dbt.safe_cast on DuckDB: dbt-duckdb 1.11 falls back to dbt's default__safe_cast, a plain
    cast that fails the whole query on one bad value. DuckDB's try_cast returns null instead,
    which is what "safe" means here (and what dbt-spark's spark__safe_cast does on Spark).
    Found through the dispatch config in dbt_project.yml (macro_namespace dbt).
-#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
