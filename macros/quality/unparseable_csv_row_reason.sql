{#- The quarantine reason of a CSV record that could not be read as one row (drop rule
    record_is_parseable: duckdb__value_holds_records on DuckDB, Auto Loader's corrupt record on
    Databricks). -#}
{% macro unparseable_csv_row_reason() -%}
    the row could not be read as one CSV row: most likely a quote in it is not closed where its value ends, so the lines after it (rows of the file) were read into one value of this record and are not loaded. Double a quote inside a value ("", as RFC 4180 does; a backslash before a quote, \", does not escape it) and deliver the rows again
{%- endmacro %}
