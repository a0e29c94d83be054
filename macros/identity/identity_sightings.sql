{#-
    The records of a base model that name source ids for int_identity_nodes: those not
    quarantined, and on an incremental batch only those ingested after `watermark` (the
    model's, macro last_ingested_at, looked up once per run); none reads every record.
-#}
{% macro identity_sightings(base_model, watermark=none) %}
    select * from {{ ref(base_model) }}
    where
        not _is_quarantined
        {%- if watermark is not none %}
            and _ingested_at > {{ watermark }}
        {%- endif %}
{% endmacro %}
