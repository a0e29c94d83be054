{#-
    Records one request of a privacy operation in the audit table, creating it if missing:
    one row per relation and action (`deleted`, `anonymised`, `purged`) with the rows
    changed, or a single row with action `none` when the request changed nothing.
    `changes`: list of {'relation', 'action', 'rows'}; `subject_hash`: SQL expression or none.
-#}
{% macro privacy_write_audit(operation, subject_hash, parameters, changes) %}
    {% set audit = privacy_audit_relation() %}
    {% do adapter.create_schema(audit) %}
    {% set create_table %}
        create table if not exists {{ audit }} (
            request_id {{ dbt.type_string() }},
            operation {{ dbt.type_string() }},
            subject_hash {{ dbt.type_string() }},
            requested_at {{ dbt.type_timestamp() }},
            parameters {{ dbt.type_string() }},
            relation_name {{ dbt.type_string() }},
            action {{ dbt.type_string() }},
            rows_changed {{ dbt.type_bigint() }}
        )
    {% endset %}
    {% do run_query(create_table) %}
    {% set rows = changes if changes else [{'relation': none, 'action': 'none', 'rows': 0}] %}
    {% set insert %}
        insert into {{ audit }} (
            request_id, operation, subject_hash, requested_at, parameters,
            relation_name, action, rows_changed
        )
        values
        {%- for change in rows %}
            (
                {{ sql_literal(invocation_id) }},
                {{ sql_literal(operation) }},
                {{ subject_hash if subject_hash else 'null' }},
                {{ run_started_at_timestamp() }},
                {{ sql_literal(parameters) if parameters else 'null' }},
                {{ sql_literal(privacy_relation_name(change.relation)) if change.relation else 'null' }},
                {{ sql_literal(change.action) }},
                {{ change.rows | int }}
            ){{ ',' if not loop.last }}
        {%- endfor %}
    {% endset %}
    {% do run_query(insert) %}
{% endmacro %}
