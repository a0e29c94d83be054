{#-
    The day a bronze record was delivered: the date in its landing file's name (the contract's
    `<table>_YYYY-MM-DD.<ext>`; `YYYY_MM_DD` and `YYYYMMDD` are read too, as exporters write
    them: the first date with separators in the name, else its first eight digits that are a
    date), read from the last segment of the file's path (`_source_path`,
    `_source_file`) or of a record id (`_source_path:row`), else the day it was ingested. The
    file name's date is the same on a full refresh; the ingestion day is not, which is why
    the file name is read first. A name dated more than a day after the file was ingested (a
    typo, another date format, a clock) is not a delivery day yet: the ingestion day is, so
    that one file cannot move gold's as-of date into the future (bronze warns about such a
    file on DuckDB).
-#}
{% macro landing_delivery_date(file_column='_source_path', ingested_at_column='_ingested_at') -%}
    {#- a date with separators first (`export_12345678_2026-06-30.csv`), else eight digits -#}
    {%- set dates = [] -%}
    {%- for pattern in customer360.landing_file_date_patterns() -%}
        {%- set parts = [] -%}
        {%- for group in [1, 2, 3] -%}
            {%- do parts.append('regexp_extract(' ~ file_column ~ ', '
                ~ customer360.sql_literal(pattern) ~ ', ' ~ group ~ ')') -%}
        {%- endfor -%}
        {#- no date in the name: '--', which is no date -#}
        {%- do dates.append(dbt.safe_cast("concat(" ~ (parts | join(", '-', ")) ~ ")", 'date')) -%}
    {%- endfor -%}
    {%- set named = 'coalesce(' ~ (dates | join(', ')) ~ ')' -%}
    {%- set ingested = 'cast(' ~ ingested_at_column ~ ' as date)' -%}
    case
        when {{ named }} <= {{ dbt.dateadd('day', 1, ingested) }} then {{ named }}
        else {{ ingested }}
    end
{%- endmacro %}
