{#- A relation's name as the audit table records it: database.schema.table, unquoted. -#}
{% macro privacy_relation_name(relation) %}
    {{ return([relation.database, relation.schema, relation.identifier] | select | join('.')) }}
{% endmacro %}
