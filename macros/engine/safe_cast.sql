{#-
    dbt.safe_cast: dbt-duckdb 1.11 falls back to dbt's default__safe_cast and dbt-spark's
    spark__safe_cast (which dbt-databricks uses) is a plain cast too; either fails the whole
    query on one bad value (on Databricks SQL warehouses ANSI mode is on). try_cast returns
    null instead, which is what "safe" means: the bad value is then caught by a drop rule.
    Found through the dispatch config in dbt_project.yml (macro_namespace dbt).

    A timestamp with a UTC offset (`2026-01-01T10:00:00+05:00`) is the instant it names, in
    UTC, on every engine. Spark and Databricks read the offset (the session time zone is UTC);
    DuckDB's cast to TIMESTAMP drops it (10:00 instead of 05:00), so on DuckDB a timestamp is
    read as a TIMESTAMPTZ and given in UTC (the profile's time zone), as a TIMESTAMP.
-#}
{% macro duckdb__safe_cast(field, type) -%}
    {%- if type | trim | lower == 'timestamp' -%}
        cast(try_cast({{ field }} as timestamptz) as timestamp)
    {%- else -%}
        try_cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}

{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
