{#-
    Generic test on a staging model (`model`, one current version per `column_name`): the
    versions of a key in `versions` (the base model) that a drop rule quarantined although they
    are newer (`version_time`) than the key's current version, so that an older version
    stayed current in silver and gold. A status change sent with a status outside the list
    (`refunded`), or as a change line of the changed fields only (`order_id,order_status,
    updated_at`, which fails the rules of the fields it lacks), is then not applied: the order
    keeps its earlier status and counts as a purchase. Returns the key, both version times and
    the quarantined version's rule and record id; for severity warn (dq_quarantine holds the
    record, and its replay loads it once it is fixed).
-#}
{% test newer_versions_not_quarantined(model, column_name, versions, version_time='updated_at') %}

with quarantined_versions as (
    select * from {{ versions }}
    where _is_quarantined and {{ column_name }} is not null
),

current_versions as (
    select * from {{ model }}
),

newer_quarantined as (
    select
        current_versions.{{ column_name }} as version_key,
        current_versions.{{ version_time }} as current_version_time,
        quarantined_versions.{{ version_time }} as quarantined_version_time,
        quarantined_versions._dq_rule as quarantined_by,
        quarantined_versions._record_id as quarantined_record_id
    from quarantined_versions
    inner join current_versions
        on quarantined_versions.{{ column_name }} = current_versions.{{ column_name }}
    where quarantined_versions.{{ version_time }} > current_versions.{{ version_time }}
)

select * from newer_quarantined

{% endtest %}
