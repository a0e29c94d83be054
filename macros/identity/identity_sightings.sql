{#-
    The records of a base model that name source ids for int_identity_nodes: those not
    quarantined, and on an incremental batch (`is_batch`) only those ingested since the
    model's watermark (macro last_ingested_at).
-#}
{% macro identity_sightings(base_model, is_batch) %}
    select * from {{ ref(base_model) }}
    where
        not _is_quarantined
        {%- if is_batch %}
            and _ingested_at > {{ last_ingested_at() }}
        {%- endif %}
{% endmacro %}
