{#-
    Whether a privacy operation (forget_customer, purge_expired_bronze) changed rows after
    `since`, a SQL timestamp expression: a row of the privacy audit table with an action
    other than `none`, requested later. An incremental model whose stored rows derive from
    rows such an operation deleted or anonymised builds again from scratch then. False when
    there is no audit table yet, and while parsing.
-#}
{% macro privacy_changed_rows_since(since) %}
    {% if not execute %}
        {{ return(false) }}
    {% endif %}
    {% set audit = privacy_audit_relation() %}
    {% if adapter.get_relation(audit.database, audit.schema, audit.identifier) is none %}
        {{ return(false) }}
    {% endif %}
    {% set changes = run_query(
        "select count(*) from " ~ audit ~ " where action <> 'none' and requested_at > "
        ~ since).columns[0].values()[0] %}
    {{ return(changes > 0) }}
{% endmacro %}
