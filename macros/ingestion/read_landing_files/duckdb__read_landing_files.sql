{#-
    DuckDB: reads the listed files (landing_files_to_ingest), by format.
-#}
{% macro duckdb__read_landing_files(contract, files) %}
    {%- if contract.format == 'jsonl' -%}
        {{ duckdb__read_json_lines(contract, files) }}
    {%- elif contract.format == 'csv' -%}
        {{ duckdb__read_csv_files(contract, files) }}
    {%- elif contract.format == 'parquet' -%}
        {{ duckdb__read_parquet_files(contract, files) }}
    {%- else -%}
        {{ unknown_landing_format(contract) }}
    {%- endif -%}
{% endmacro %}


{#- File paths as a DuckDB list of string literals, for a reader: `['a.csv', 'b.csv']`. -#}
{% macro duckdb__landing_file_list(files) -%}
    [{% for file in files %}{{ sql_literal(file) }}{{ ', ' if not loop.last }}{% endfor %}]
{%- endmacro %}
