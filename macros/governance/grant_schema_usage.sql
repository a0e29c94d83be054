{#-
    on-run-end: USE SCHEMA on every schema this run built into, for every principal that the
    `grants` config of the schema's models, seeds and snapshots names. Table grants alone do not
    let a group query a table: Unity Catalog also needs USE SCHEMA (and USE CATALOG, which the
    catalog's owner grants once). Derived from the grants config, so the groups are declared
    once, in dbt_project.yml. A no-op on DuckDB and local Spark.
-#}
{% macro grant_schema_usage(database_schemas) %}
    {{ return(adapter.dispatch('grant_schema_usage', 'customer360')(database_schemas)) }}
{% endmacro %}

{% macro default__grant_schema_usage(database_schemas) %}
    {{ return('') }}
{% endmacro %}

{% macro databricks__grant_schema_usage(database_schemas) %}
    {% if execute %}
        {% for database, schema in database_schemas %}
            {% for principal in schema_grantees(database, schema) %}
                {% do run_query(
                    'grant use schema on schema ' ~ adapter.quote(database) ~ '.' ~ adapter.quote(schema)
                    ~ ' to ' ~ adapter.quote(principal)) %}
            {% endfor %}
        {% endfor %}
    {% endif %}
    {{ return('') }}
{% endmacro %}


{#- The principals that the grants config of the nodes in database.schema names, sorted. -#}
{% macro schema_grantees(database, schema) %}
    {% set principals = [] %}
    {% for node in graph.nodes.values()
        if node.resource_type in ('model', 'seed', 'snapshot')
        and node.database == database and node.schema == schema %}
        {% for grantees in (node.config.grants or {}).values() %}
            {% for principal in ([grantees] if grantees is string else grantees) %}
                {% if principal not in principals %}
                    {% do principals.append(principal) %}
                {% endif %}
            {% endfor %}
        {% endfor %}
    {% endfor %}
    {{ return(principals | sort) }}
{% endmacro %}
