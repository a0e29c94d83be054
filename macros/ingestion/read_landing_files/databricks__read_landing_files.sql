{#-
    Databricks: read_files over the landing folder (a Unity Catalog volume), with the contract
    as the schema (databricks__read_files_schema). Fields the contract does not know or cannot
    type go to Databricks' rescued data column; a JSON line or CSV row that does not parse at
    all keeps its raw text through the corrupt-record column, so that, as on the other engines,
    a malformed record is a row with null columns, `_is_malformed` and its text in
    `_rescued_data`. CSV is read with `multiLine`, so a quoted field holding a line break
    (RFC 4180) stays one record, as on DuckDB; without it Spark's CSV reader ends the record
    at the break, truncating the value. And with `"` as the escape (RFC 4180: a quote in a
    quoted field is doubled), not Spark's backslash, by which `"C:\tmp\"` would run on to the
    end of the file. File paths are decoded from the URI `_metadata.file_path` gives, as on
    Spark (not checked on a workspace). Batch (incremental) runs keep the files not ingested
    yet. On a streaming table (dbt var bronze_streaming, see dbt_project.yml) the same read is
    `stream read_files(...)`: Auto Loader remembers the files it has read, and a stream can
    number no rows (no window, no monotonically_increasing_id), so _source_row_number is null
    there and landing_record_id identifies the record instead.
-#}
{% macro databricks__read_landing_files(contract, files) %}
    {%- set is_streaming = config.get('materialized') == 'streaming_table' -%}
    {%- set keeps_corrupt_records = contract.format in ('jsonl', 'csv') -%}
    {%- set reader_format = {'jsonl': 'json', 'csv': 'csv', 'parquet': 'parquet'}[contract.format] -%}
    with scanned as (
        select
            *,
            url_decode(replace(regexp_replace(_metadata.file_path, '^dbfs:', ''), '+', '%2B'))
                as _file_path
            {%- if not is_streaming %},
            _metadata.file_block_start as _file_block_start,
            monotonically_increasing_id() as _scan_order
            {%- endif %}
        from {{ 'stream ' if is_streaming }}read_files(
            {{ sql_literal(contract.path) }},
            format => '{{ reader_format }}',
            schema => '{{ databricks__read_files_schema(contract, keeps_corrupt_records) }}',
            rescuedDataColumn => '_rescued_data',
            mode => 'PERMISSIVE'
            {%- if keeps_corrupt_records %},
            columnNameOfCorruptRecord => '_corrupt_record'
            {%- endif %}
            {%- if contract.format == 'csv' %},
            header => true,
            multiLine => true,
            escape => '"'
            {%- endif %}
        )
    ),

    records as (
        select
            {%- for name in contract.columns %}
            {{ name }},
            {%- endfor %}
            {%- if keeps_corrupt_records %}
            coalesce(_corrupt_record, _rescued_data) as _rescued_data,
            _corrupt_record is not null as _is_malformed,
            {%- else %}
            _rescued_data,
            false as _is_malformed,
            {%- endif %}
            _file_path as _source_file,
            {%- if is_streaming %}
            cast(null as bigint) as _source_row_number
            {%- else %}
            row_number() over (
                partition by _file_path
                order by _file_block_start, _scan_order
            ) as _source_row_number
            {%- endif %}
        from scanned
        {%- if not is_streaming and is_incremental() %}
        where {{ landing_file_is_new(contract, '_file_path') }}
        {%- endif %}
    )

    select * from records
{% endmacro %}


{#-
    The schema read_files is given: the contract columns in their bronze types
    (`name type, ...`), and `_corrupt_record string` when `keeps_corrupt_records`.
-#}
{% macro databricks__read_files_schema(contract, keeps_corrupt_records) -%}
    {%- set schema_columns = [] -%}
    {%- for name, data_type in contract.columns.items() -%}
        {%- do schema_columns.append(name ~ ' ' ~ (bronze_column_type(contract, data_type) | trim)) -%}
    {%- endfor -%}
    {%- if keeps_corrupt_records -%}
        {%- do schema_columns.append('_corrupt_record string') -%}
    {%- endif -%}
    {{ return(schema_columns | join(", ")) }}
{%- endmacro %}
