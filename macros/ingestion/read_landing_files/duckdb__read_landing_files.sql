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
