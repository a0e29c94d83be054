{#-
    GDPR/CCPA erasure of one customer in every layer, by any of their ids:
        dbt run-operation forget_customer --args '{customer_id: C1000001}'
    The id is a resolved customer id, a CRM id or a shop account id (var privacy.id_patterns);
    the identity resolution links it to every id of the customer (privacy_customer_identifiers):
    all their CRM contacts, shop accounts, orders, tickets and browsers. Their identity (the
    CRM contacts and their links to accounts in bronze, staging and the snapshot, and every
    row of the tables dbt rebuilds each run: the identity graph, gold) is deleted; the facts
    that must still count (orders, order lines, web events and sessions, tickets) are kept
    and anonymised: their customer, account and browser ids and landed emails become random
    pseudonyms, phones and other personal columns null, raw texts that quote the customer
    `[erased]`. Rows of other customers are never changed.
    Relations are found from the graph (privacy_relations); each request is audited
    (privacy_write_audit) with a salted hash of the given id, never the id. A second call
    finds nothing, changes nothing and is audited with action `none`.
    `dry_run: true` reports what would change and changes nothing (not audited).
-#}
{% macro forget_customer(customer_id=none, dry_run=false) %}
    {% set operation = 'forget_customer' %}
    {% set patterns = var('privacy').id_patterns %}
    {% set kinds = [] %}
    {% for kind, pattern in patterns.items()
        if customer_id is string and modules.re.fullmatch(pattern, customer_id) %}
        {% do kinds.append(kind) %}
    {% endfor %}
    {% if not kinds %}
        {% set accepted = [] %}
        {% for kind, pattern in patterns.items() %}
            {% do accepted.append(kind ~ ' ' ~ pattern) %}
        {% endfor %}
        {{ exceptions.raise_compiler_error(
            operation ~ ": customer_id must be an id of a customer, one of " ~ accepted | join(', ')
            ~ " (var privacy.id_patterns), e.g. --args '{customer_id: C1000001}'; got "
            ~ (customer_id | string | truncate(40) | tojson) ~ ". Nothing was changed.") }}
    {% endif %}
    {% set subject_hash = none if dry_run else privacy_subject_hash(operation, customer_id) %}

    {% set relations = privacy_relations() %}
    {% set identifiers = privacy_customer_identifiers(relations, kinds[0], customer_id) %}
    {% set linked = [] %}
    {% for kind, values in identifiers.ids.items() %}
        {% do linked.append(values | length ~ ' ' ~ kind) %}
    {% endfor %}
    {% do log(operation ~ ": the " ~ kinds[0] ~ " id is linked to " ~ linked | join(', ') ~ " id(s) and "
        ~ identifiers.contact_points | length ~ " contact point(s)", info=true) %}
    {% set secret = run_query('select cast(uuid() as ' ~ dbt.type_string() ~ ')').columns[0].values()[0] %}

    {#- raw copies while bronze still shows which records they copy; bronze, where the
        identifiers are read from, last (a request that fails half-way can be run again) -#}
    {% set ordered = (relations | selectattr('is_raw_copy') | list)
        + (relations | rejectattr('is_raw_copy') | rejectattr('is_bronze') | list)
        + (relations | rejectattr('is_raw_copy') | selectattr('is_bronze') | list) %}
    {% set plan = [] %}
    {% for entry in ordered %}
        {% set conditions = privacy_row_conditions(entry, identifiers, relations) %}
        {% if conditions.match != 'false' or conditions.delete != 'false' %}
            {% set counted %}
                select
                    coalesce(sum(case when {{ conditions.delete }} then 1 else 0 end), 0),
                    coalesce(sum(case when {{ conditions.match }} and not {{ conditions.delete }}
                        then 1 else 0 end), 0)
                from {{ entry.relation }}
            {% endset %}
            {% set counts = run_query(counted).rows[0] %}
            {% if counts[0] > 0 or counts[1] > 0 %}
                {% if counts[0] > 0 %}
                    {% do privacy_check_reingestion(operation, entry, conditions.delete) %}
                {% endif %}
                {% do plan.append({'entry': entry, 'conditions': conditions,
                    'deleted': counts[0] | int, 'anonymised': counts[1] | int}) %}
            {% endif %}
        {% endif %}
    {% endfor %}

    {% for step in plan %}
        {% do log(operation ~ (" (dry run)" if dry_run else "") ~ ": " ~ step.entry.relation ~ ": "
            ~ step.deleted ~ " deleted, " ~ step.anonymised ~ " anonymised", info=true) %}
        {% if step.entry.resource_type == 'seed' %}
            {% do log(operation ~ ": seed " ~ step.entry.name ~ " held the customer: remove them"
                ~ " from its CSV file too, or the next dbt seed loads them again.", info=true) %}
        {% endif %}
    {% endfor %}
    {% if not plan %}
        {% do log(operation ~ ": no row of any table belongs to this customer (already forgotten,"
            ~ " or never known): nothing to change.", info=true) %}
    {% endif %}
    {% if dry_run %}
        {{ return(none) }}
    {% endif %}

    {% set changes = [] %}
    {% do privacy_begin() %}
    {% for step in plan %}
        {% if step.deleted %}
            {% do run_query('delete from ' ~ step.entry.relation ~ ' where ' ~ step.conditions.delete) %}
            {% do changes.append({'relation': step.entry.relation, 'action': 'deleted', 'rows': step.deleted}) %}
        {% endif %}
        {% if step.anonymised %}
            {% set assignments = privacy_anonymise_assignments(step.entry, identifiers, secret) %}
            {% do run_query('update ' ~ step.entry.relation ~ ' set ' ~ assignments | join(', ')
                ~ ' where ' ~ step.conditions.match) %}
            {% do changes.append({'relation': step.entry.relation, 'action': 'anonymised', 'rows': step.anonymised}) %}
        {% endif %}
    {% endfor %}
    {% do privacy_write_audit(operation, subject_hash, none, changes) %}
    {% do privacy_commit() %}
    {% do privacy_purge_storage(plan | map(attribute='entry') | map(attribute='relation') | list) %}
    {% do log(operation ~ ": request " ~ invocation_id ~ " done: " ~ changes | length
        ~ " change(s) recorded in " ~ privacy_audit_relation() ~ ".", info=true) %}
{% endmacro %}
