{#-
    The landing files of a contract that this (incremental) model has not ingested yet
    (landing_file_is_new), in name order. A full refresh takes every file. Listing files is
    engine specific.
-#}
{% macro landing_files_to_ingest(contract) %}
    {{ return(adapter.dispatch('landing_files_to_ingest', 'customer360')(contract)) }}
{% endmacro %}

{% macro duckdb__landing_files_to_ingest(contract) %}
    {% set query %}
        select file
        from glob('{{ contract.path }}')
        {% if is_incremental() %}
            where {{ landing_file_is_new(contract, 'file') }}
        {% endif %}
        order by file
    {% endset %}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}

{#-
    Spark SQL cannot list a folder: read_landing_files reads the glob and keeps the files
    this model has not ingested (landing_file_is_new on the file path column).
-#}
{% macro spark__landing_files_to_ingest(contract) %}
    {{ return([contract.path]) }}
{% endmacro %}
