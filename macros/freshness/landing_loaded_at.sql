{#-
    The loaded_at_query of a landing source (dbt source freshness): the newest value of
    `column` over every record of the source's landing files, read by the same reader as
    bronze, so that freshness measures what has landed (not what bronze has ingested yet) and
    a record that does not parse counts as no time at all. Rendered by dbt at freshness time,
    where `source_node` is the source table being checked. An optional table
    (meta.optional_table) with no file is not an error: it reports the epoch, which its
    warn-only freshness turns into a warning that names it.
-#}
{% macro landing_loaded_at(column) %}
    {%- set contract = landing_source_contract(source_node.source_name, source_node.name) -%}
    {%- set files = landing_files_to_ingest(contract) -%}
    {%- if files | length == 0 and contract.optional -%}
        {%- do log(source_node.source_name ~ "." ~ source_node.name ~ " has no landing file: an optional"
            ~ " table, reported as last loaded at the epoch (1970-01-01).", info=true) -%}
        select cast('1970-01-01 00:00:00' as timestamp) as max_loaded_at
    {%- elif files | length == 0 -%}
        {#- no file: no time; dbt reports the source as an error with max_loaded_at null -#}
        select cast(null as timestamp) as max_loaded_at
    {%- else -%}
        select max({{ dbt.safe_cast(column, 'timestamp') }}) as max_loaded_at
        from ({{ read_landing_files(contract, files) }}) as landed
    {%- endif -%}
{% endmacro %}
