{#-
    Retention of raw data:
        dbt run-operation purge_expired_bronze
    deletes the raw history older than var bronze_retention_days: every bronze record
    ingested before the cutoff that silver does not serve as the current version of its key
    (superseded versions, exact duplicates, quarantined records), and the rows that
    describe those records in the raw-copy relations (the base models, the quarantine),
    matched by record id; then (Databricks) purges the deleted rows from
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
    {#- at most 100 years: a longer retention keeps everything, and a date that far back does
        not exist for the engines (year 1 is the earliest) -#}
    {% if not (days | string | trim).isdigit() or days | int < 1 or days | int > 36500 %}
        {{ exceptions.raise_compiler_error(
            operation ~ ": var bronze_retention_days must be a whole number of days from 1 to"
            ~ " 36500 (100 years); got " ~ (days | string | truncate(40) | tojson)
            ~ ". Nothing was changed.") }}
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

    {#- bronze: the expired records silver does not load -#}
    {% set purged = {} %}
    {% for entry in relations if entry.is_bronze and '_ingested_at' in entry.columns %}
        {% set condition = expired %}
        {% if entry.record_id and loaded %}
            {% set condition = expired ~ ' and coalesce(' ~ entry.record_id[0] ~ ' not in ('
                ~ loaded | join(' union all ') ~ '), false)' %}
        {% endif %}
        {% do purged.update({entry.name: {'entry': entry, 'condition': condition}}) %}
    {% endfor %}
    {#- raw copies (the base models, the quarantine): the rows of the purged records,
        by record id, deleted first while bronze still holds them -#}
    {% set ordered = [] %}
    {% for entry in relations if entry.is_raw_copy and entry.record_id and not entry.is_bronze %}
        {% set records = [] %}
        {% for bronze in purged.values() if bronze.entry.record_id %}
            {% do records.append('select ' ~ bronze.entry.record_id[0] ~ ' from '
                ~ bronze.entry.relation ~ ' where ' ~ bronze.condition) %}
        {% endfor %}
        {% if records %}
            {% do ordered.append({'entry': entry, 'condition': 'coalesce(' ~ entry.record_id[0]
                ~ ' in (' ~ records | join(' union all ') ~ '), false)'}) %}
        {% endif %}
    {% endfor %}
    {% do ordered.extend(purged.values()) %}

    {% set plan = [] %}
    {% for step in ordered %}
        {% set rows = run_query('select count(*) from ' ~ step.entry.relation ~ ' where '
            ~ step.condition).rows[0][0] | int %}
        {% if rows > 0 %}
            {% do privacy_check_reingestion(operation, step.entry, step.condition) %}
            {% do plan.append({'relation': step.entry.relation, 'action': 'purged', 'rows': rows,
                'condition': step.condition}) %}
        {% endif %}
        {% do log(operation ~ (" (dry run)" if dry_run else "") ~ ": " ~ step.entry.relation ~ ": "
            ~ rows ~ " record(s) to purge (ingested before " ~ cutoff ~ " UTC)", info=true) %}
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
