{#-
    Spark SQL: open-source Spark (the local Spark check); Databricks has its own body
    (databricks__read_landing_files). Spark SQL cannot list a folder, so the contract's glob is
    read whole and the files this model has already ingested are left out by path
    (landing_file_is_new); `files` is not used. JSON lines and CSV are read as text lines
    (spark__landing_text_lines), so that a record that does not parse keeps its raw text;
    Parquet with Spark's reader. Same columns and row numbers as the DuckDB body.
-#}
{% macro spark__read_landing_files(contract, files) %}
    {%- if contract.format == 'jsonl' -%}
        {{ spark__read_json_lines(contract) }}
    {%- elif contract.format == 'csv' -%}
        {{ spark__read_csv_files(contract) }}
    {%- elif contract.format == 'parquet' -%}
        {{ spark__read_parquet_files(contract) }}
    {%- else -%}
        {{ unknown_landing_format(contract) }}
    {%- endif -%}
{% endmacro %}
