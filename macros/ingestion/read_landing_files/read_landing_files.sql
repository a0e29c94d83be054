{#-
    Read landing files as records, on every engine in the same shape: the contract's columns
    (strings for JSON lines and CSV, the contract types for Parquet), `_rescued_data` (the raw
    text of a record that does not parse, or the fields the contract does not know, as JSON),
    `_is_malformed`, `_source_file` and `_source_row_number` (the record's line or row in its
    file, from 1). Nothing is dropped: a malformed record is a row with null columns and its
    raw text.

    One file per engine and format in this folder, named after its macro:
    duckdb__read_landing_files -> duckdb__read_json_lines, duckdb__read_csv_files,
    duckdb__read_parquet_files (the last two through duckdb__tabular_records);
    spark__read_landing_files -> spark__read_json_lines, spark__read_csv_files (both over
    spark__landing_text_lines), spark__read_parquet_files; databricks__read_landing_files.

    Why macros and not SQL models: the SQL depends on what is in the landing files at compile
    time (the files not ingested yet, their encoding, CSV headers, Parquet schemas), on the
    engine, and on the contract of the source table; six bronze models share it, each one call
    of ingest_landing_files. Landing file names and headers are data: they reach SQL only
    through sql_literal (values) and quote_landing_name (identifiers).
-#}
{% macro read_landing_files(contract, files) %}
    {{ return(adapter.dispatch('read_landing_files', 'customer360')(contract, files)) }}
{% endmacro %}
