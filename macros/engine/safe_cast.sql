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

{#-
    A landing text as a timestamp (dbt.safe_cast), null when it names its time zone by
    letters other than UTC or GMT (`2026-07-07 05:00:31 BST`): an abbreviation names several
    zones (BST is British summer time and Bangladesh time; DuckDB and Java read Bangladesh), so
    a record with one is quarantined, as one without a timestamp, rather than placed hours off.
    A zone by its IANA name (`Europe/London`, `Asia/Ust-Nera`) or an offset is read; the
    legacy aliases that are abbreviations too (`NZ`, `EST5EDT`) are not. The pattern runs only on
    values whose second-to-last character is a letter (`...31Z` ends in a digit and a Z).
-#}
{% macro timestamp_from_text(field) -%}
    case
        when
            lower(substr(trim({{ field }}), -2, 1)) between 'a' and 'z'
            and {{ regex_match_expression('upper(trim(' ~ field ~ '))', '[^A-Z/_-][A-Z]{2,5}$') }}
            and not {{ regex_match_expression('upper(trim(' ~ field ~ '))', '[^A-Z](UTC|GMT)$') }}
            then null
        else {{ dbt.safe_cast(field, 'timestamp') }}
    end
{%- endmacro %}
