{#-
    The bronze record id (_record_id), over the columns ingest_landing_files has: the file path
    relative to the landing root (_source_path), ':' and the zero-padded row number in the
    file. Stable: a full refresh, or a build through another spelling of the landing root,
    gives every record the same id again. On a Databricks streaming table (bronze_streaming) a
    stream cannot number rows, so the row number is replaced by a UUID drawn once, when Auto
    Loader ingests the record.
-#}
{% macro landing_record_id() %}
    {{ return(adapter.dispatch('landing_record_id', 'customer360')()) }}
{% endmacro %}

{% macro default__landing_record_id() %}
    concat(
        _source_path,
        ':',
        lpad(cast(_source_row_number as {{ dbt.type_string() }}), 9, '0')
    )
{% endmacro %}

{% macro databricks__landing_record_id() %}
    {%- if config.get('materialized') == 'streaming_table' -%}
        concat(_source_path, ':', uuid())
    {%- else -%}
        {{ default__landing_record_id() }}
    {%- endif -%}
{% endmacro %}
