{#-
    The watermark of an incremental gold batch, as a SQL expression: on an incremental run the
    latest _ingested_at already in the model (macro last_ingested_at), on a first build or a
    full refresh the beginning of time, so the batch is everything.
    Use: `where _ingested_at > {{ incremental_watermark() }}`.
-#}
{% macro incremental_watermark() -%}
    {%- if is_incremental() -%}
        {{ last_ingested_at() }}
    {%- else -%}
        {{ before_first_ingestion() }}
    {%- endif -%}
{%- endmacro %}
