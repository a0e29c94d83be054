{#-
    The body of a bronze model: the landing files of one source table that this model has not
    ingested yet, every record kept, plus the lineage columns: `_source_path` (the file's path
    under the landing root, which the record id is built on), `_record_id`, `_data_source`,
    `_batch_id`, `_ingested_at`. A table built before `_source_path` existed is migrated first
    (migrate_bronze_source_path). Reading the files is the dispatched read_landing_files; what
    is added on top is the same on every engine.
-#}
{% macro ingest_landing_files(source_name, table_name) %}
    {#- source() registers the lineage edge landing source -> bronze model. -#}
    {% set source_relation = source(source_name, table_name) %}
    {% if not execute %}
        {{ return('select 1 as _placeholder') }}
    {% endif %}
    {% set contract = landing_source_contract(source_name, table_name) %}
    {#- a streaming table (Auto Loader) keeps its own record of the files it read: nothing to
        migrate, and no relation to look up (which would connect even on a compile) -#}
    {% if config.get('materialized') != 'streaming_table' and is_incremental() %}
        {% do migrate_bronze_source_path(contract) %}
    {% endif %}
    {% set files = landing_files_to_ingest(contract) %}
    {% set landed %}
        {%- if files | length == 0 -%}
            {{ empty_landing_batch(contract) }}
        {%- else -%}
            {{ read_landing_files(contract, files) }}
        {%- endif -%}
    {% endset %}

with landed as (
    {{ landed | indent(4) }}
),

with_source_path as (
    select
        *,
        {{ landing_source_path(contract, '_source_file') }} as _source_path
    from landed
),

with_lineage as (
    select
        *,
        {{ landing_record_id() | trim }} as _record_id,
        '{{ source_name }}' as _data_source,
        '{{ invocation_id }}' as _batch_id,
        {{ run_started_at_timestamp() }} as _ingested_at
    from with_source_path
)

select * from with_lineage
{% endmacro %}
