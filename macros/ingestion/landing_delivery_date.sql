{#-
    The day a bronze record was delivered: the date in its landing file's name (the contract's
    `<table>_YYYY-MM-DD.<ext>`; `YYYY_MM_DD` and `YYYYMMDD` are read too, as exporters write
    them: landing_file_name_date), read from the last segment of the file's path (`_source_path`,
    `_source_file`) or of a record id (`_source_path:row`), else the day it was ingested. The
    file name's date is the same on a full refresh; the ingestion day is not, which is why
    the file name is read first. A name dated more than a day after the file was ingested (a
    typo, another date format, a clock) is not a delivery day yet: the ingestion day is, so
    that one file cannot move gold's as-of date into the future (bronze warns about such a
    file on DuckDB).
-#}
{% macro landing_delivery_date(file_column='_source_path', ingested_at_column='_ingested_at') -%}
    {%- set named = customer360.landing_file_name_date(file_column) -%}
    {%- set ingested = 'cast(' ~ ingested_at_column ~ ' as date)' -%}
    case
        when {{ named }} <= {{ dbt.dateadd('day', 1, ingested) }} then {{ named }}
        else {{ ingested }}
    end
{%- endmacro %}
