{#-
    The relations the privacy operations work on, found from the graph rather than a list:
    every enabled model, snapshot and seed that stores rows (not a view, not ephemeral) and
    exists in the warehouse. Each comes with its columns sorted by the role they play
    (var privacy.columns), matched case-insensitively on the relation's real columns:
    customer_id, visitor_id, email, phone, personal, record_id, and `text` for every other
    string column (where raw records and free text live).
-#}
{% macro privacy_relations() %}
    {% set settings = var('privacy') %}
    {% set found = [] %}
    {% set role_columns = [] %}
    {% for names in settings.columns.values() %}
        {% do role_columns.extend(names) %}
    {% endfor %}
    {% for node in graph.nodes.values()
        if node.resource_type in ('model', 'snapshot', 'seed')
        and node.config.enabled
        and node.config.materialized not in ('view', 'ephemeral') %}
        {% set relation = adapter.get_relation(node.database, node.schema, node.alias) %}
        {% if relation is not none %}
            {% set entry = {
                'name': node.name,
                'relation': relation,
                'resource_type': node.resource_type,
                'sources': node.sources or [],
                'is_rebuilt': node.resource_type == 'seed' or node.config.materialized == 'table',
                'is_bronze': settings.bronze_tag in node.tags,
                'is_raw_copy': settings.raw_copy_tag in node.tags,
                'columns': [],
                'text': [],
            } %}
            {% for role in settings.columns %}
                {% do entry.update({role: []}) %}
            {% endfor %}
            {% for column in adapter.get_columns_in_relation(relation) %}
                {% set name = column.name | lower %}
                {% do entry.columns.append(name) %}
                {% for role, names in settings.columns.items() if name in names %}
                    {% do entry[role].append(name) %}
                {% endfor %}
                {% if column.is_string() and name not in role_columns %}
                    {% do entry.text.append(name) %}
                {% endif %}
            {% endfor %}
            {% do entry.update({'is_identity': (entry.email + entry.phone + entry.personal) | length > 0}) %}
            {% do found.append(entry) %}
        {% endif %}
    {% endfor %}
    {{ return(found) }}
{% endmacro %}
