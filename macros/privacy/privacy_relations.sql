{#-
    The relations the privacy operations work on, found from the graph rather than a list:
    every enabled model, snapshot and seed that stores rows (not a view, not ephemeral) and
    exists in the warehouse. Each comes with its columns sorted by the role they play,
    matched case-insensitively on the relation's real columns: `ids`, the id columns by kind
    (var privacy.id_columns: customer_id, node, crm, account, browser, order, ticket), the
    roles of var privacy.columns (email, phone, contact_point, personal, record_id), and
    `text` for every other string column (where raw records and free text live).
-#}
{% macro privacy_relations() %}
    {% set settings = var('privacy') %}
    {% set found = [] %}
    {% set role_columns = [] %}
    {% for names in settings.id_columns.values() | list + settings.columns.values() | list %}
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
                'is_raw_copy': settings.raw_copy_tags | select('in', node.tags) | list | length > 0,
                'columns': [],
                'ids': {},
                'text': [],
            } %}
            {% for role in settings.columns %}
                {% do entry.update({role: []}) %}
            {% endfor %}
            {% for column in adapter.get_columns_in_relation(relation) %}
                {% set name = column.name | lower %}
                {% do entry.columns.append(name) %}
                {% for kind, names in settings.id_columns.items() if name in names %}
                    {% do entry.ids.setdefault(kind, []).append(name) %}
                {% endfor %}
                {% for role, names in settings.columns.items() if name in names %}
                    {% do entry[role].append(name) %}
                {% endfor %}
                {% if column.is_string() and name not in role_columns %}
                    {% do entry.text.append(name) %}
                {% endif %}
            {% endfor %}
            {% set identity_roles = [] %}
            {% for role in settings.identity_roles if entry.ids.get(role) or entry.get(role) %}
                {% do identity_roles.append(role) %}
            {% endfor %}
            {% do entry.update({
                'contacts': entry.email + entry.phone + entry.contact_point,
                'is_identity': identity_roles | length > 0,
            }) %}
            {% do found.append(entry) %}
        {% endif %}
    {% endfor %}
    {{ return(found) }}
{% endmacro %}
