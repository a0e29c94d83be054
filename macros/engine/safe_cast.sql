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
    An integer type takes whole numbers only (whole_number_cast), on every engine.
-#}
{% macro duckdb__safe_cast(field, type) -%}
    {%- if type | trim | lower == 'timestamp' -%}
        cast(try_cast({{ field }} as timestamptz) as timestamp)
    {%- else -%}
        {{ customer360.try_cast_whole(field, type) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__safe_cast(field, type) -%}
    {{ customer360.try_cast_whole(field, type) }}
{%- endmacro %}

{#- try_cast, with an integer type taking whole numbers only (whole_number_cast) -#}
{% macro try_cast_whole(field, type) -%}
    {%- if type | trim | lower in ['tinyint', 'smallint', 'integer', 'int', 'bigint'] -%}
        {{ customer360.whole_number_cast(field, type) }}
    {%- else -%}
        try_cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}

{#-
    A value cast to an integer type only when it is a whole number: DuckDB's try_cast rounds
    `'0.5'` to 1 and `'1.5'` to 2, and Spark's (ANSI off) truncates, where a quantity of 0.5
    is no integer and its record is quarantined; and Spark's ANSI try_cast gives null for
    `'3.0'`, which is 3. Read through a wide decimal, which holds every 64-bit integer exactly
    (a double does not), then cast from it.
-#}
{% macro whole_number_cast(field, type) -%}
    {%- set exact = 'try_cast(' ~ field ~ ' as decimal(38, 9))' -%}
    case
        when {{ exact }} = floor({{ exact }}) then try_cast({{ exact }} as {{ type }})
    end
{%- endmacro %}
