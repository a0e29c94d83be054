{#-
    The incremental watermark: the latest ingestion time already in this model
    (`column`, default _ingested_at), or 1900-01-01 when the table is empty, so that a first
    run over an empty landing folder does not leave the model reading nothing afterwards.
    Use inside `{% if is_incremental() %}`: `where _ingested_at > {{ last_ingested_at() }}`.
-#}
{% macro last_ingested_at(column='_ingested_at') -%}
    (select coalesce(max({{ column }}), cast('1900-01-01' as timestamp)) from {{ this }})
{%- endmacro %}
