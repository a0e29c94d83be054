{#- The audit table of the privacy operations (var privacy: audit_schema, audit_table). -#}
{% macro privacy_audit_relation() %}
    {% set settings = var('privacy') %}
    {{ return(api.Relation.create(
        database=target.database,
        schema=generate_schema_name(settings.audit_schema, none) | trim,
        identifier=settings.audit_table,
    )) }}
{% endmacro %}
