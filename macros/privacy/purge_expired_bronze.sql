{#-
    Retention of raw data:
        dbt run-operation purge_expired_bronze
    deletes the raw history older than var bronze_retention_days: every bronze record
    ingested before the cutoff that silver does not serve as the current version of its key
    (superseded versions, exact duplicates, quarantined records), and the raw copies of
    quarantined records in the quarantine; then (Databricks) purges the deleted rows from
    storage (REORG ... APPLY (PURGE), VACUUM). A record that silver still loads from is
    kept at any age, so a full refresh of silver still rebuilds the same current state and
    int_customer_versions keeps a current version of every customer. Stops, changing
    nothing, when a purged file is still in the landing zone (the next build would ingest
    it again). Audited like forget_customer (action `purged`).
    `dry_run: true` reports what would be purged and changes nothing (not audited).
-#}
{% macro purge_expired_bronze(dry_run=false) %}
    {% set operation = 'purge_expired_bronze' %}
    {% set days = var('bronze_retention_days') %}
    {% if not (days | string | trim).isdigit() or days | int < 1 %}
        {{ exceptions.raise_compiler_error(
            operation ~ ": var bronze_retention_days must be a whole number of days of at least 1;"
            ~ " got " ~ (days | string | truncate(40) | tojson) ~ ". Nothing was changed.") }}
    {% endif %}
    {% set cutoff = (run_started_at - modules.datetime.timedelta(days=days | int)).strftime('%Y-%m-%d %H:%M:%S') %}
    {% set parameters = 'bronze_retention_days=' ~ days | int ~ ', ingested before ' ~ cutoff ~ ' UTC' %}
    {% set expired = "coalesce(_ingested_at < cast('" ~ cutoff ~ "' as " ~ dbt.type_timestamp() ~ "), false)" %}

    {% set relations = privacy_relations() %}
    {#- the record ids silver loaded: staging keeps the record id of each key's current version -#}
    {% set loaded = [] %}
    {% for entry in relations if entry.record_id and not (entry.is_bronze or entry.is_raw_copy) %}
        {% do loaded.append('select ' ~ entry.record_id[0] ~ ' from ' ~ entry.relation
            ~ ' where ' ~ entry.record_id[0] ~ ' is not null') %}
    {% endfor %}

    {% set plan = [] %}
    {% for entry in relations
        if (entry.is_bronze or entry.is_raw_copy) and '_ingested_at' in entry.columns %}
        {% set condition = expired %}
        {% if entry.is_bronze and entry.record_id and loaded %}
            {% set condition = expired ~ ' and coalesce(' ~ entry.record_id[0] ~ ' not in ('
                ~ loaded | join(' union all ') ~ '), false)' %}
        {% endif %}
        {% set rows = run_query('select count(*) from ' ~ entry.relation ~ ' where ' ~ condition).rows[0][0] | int %}
        {% if rows > 0 %}
            {% do privacy_check_reingestion(operation, entry, condition) %}
            {% do plan.append({'relation': entry.relation, 'action': 'purged', 'rows': rows,
                'condition': condition}) %}
        {% endif %}
        {% do log(operation ~ (" (dry run)" if dry_run else "") ~ ": " ~ entry.relation ~ ": "
            ~ rows ~ " record(s) ingested before " ~ cutoff ~ " UTC", info=true) %}
    {% endfor %}
    {% if dry_run %}
        {{ return(none) }}
    {% endif %}

    {% do privacy_begin() %}
    {% for change in plan %}
        {% do run_query('delete from ' ~ change.relation ~ ' where ' ~ change.condition) %}
    {% endfor %}
    {% do privacy_write_audit(operation, none, parameters, plan) %}
    {% do privacy_commit() %}
    {% do privacy_purge_storage(plan | map(attribute='relation') | list) %}
    {% do log(operation ~ ": request " ~ invocation_id ~ " done (" ~ parameters ~ "): "
        ~ plan | map(attribute='rows') | sum ~ " record(s) purged, recorded in "
        ~ privacy_audit_relation() ~ ".", info=true) %}
{% endmacro %}
