{#-
    Everything that identifies one customer in the warehouse, from any one of their ids
    (`id_kind`: a kind of var privacy.id_patterns, `id_value`: the validated id):
    - `ids`, by kind: the customer's resolved id(s) (`customer_id`), and every source id the
      identity resolution (var privacy.identities_model) links to them, by node type (`crm`,
      `account`, `order`, `ticket`, `browser`) and as graph keys (`node`). The given id is
      always among them, even where the resolution does not know it (any more);
    - `contact_points`: every email and phone those ids ever carried (as landed and
      normalised, lower case, trimmed), read from every relation holding one of the ids
      next to a contact column;
    - `texts`: the quoted, lower-case JSON strings ("C1000001", "ann@x.org", …) by which raw
      record text (rescued data, quarantined raw records) refers to them: every id that is not
      a fact's key, and every contact point.
-#}
{% macro privacy_customer_identifiers(relations, id_kind, id_value) %}
    {% set settings = var('privacy') %}
    {% set ids = {id_kind: [id_value]} %}
    {% for entry in relations if entry.name == settings.identities_model %}
        {% set given = sql_literal(id_value) %}
        {% set query %}
            select distinct node_type, source_id, node_key, customer_id
            from {{ entry.relation }}
            where customer_id in (
                select customer_id from {{ entry.relation }}
                where
                {%- if id_kind == 'customer_id' %}
                    customer_id = {{ given }}
                {%- else %}
                    node_type = {{ sql_literal(id_kind) }} and source_id = {{ given }}
                {%- endif %}
            )
        {% endset %}
        {% for row in run_query(query) %}
            {% for kind, value in [(row[0], row[1]), ('node', row[2]), ('customer_id', row[3])] %}
                {% if value is not none and value not in ids.setdefault(kind, []) %}
                    {% do ids[kind].append(value) %}
                {% endif %}
            {% endfor %}
        {% endfor %}
    {% endfor %}

    {% set found = {'ids': ids, 'contact_points': [], 'texts': []} %}
    {% for kind, values in ids.items() if kind not in settings.fact_keys and kind != 'node' %}
        {% for value in values %}
            {% do found.texts.append('"' ~ value | lower ~ '"') %}
        {% endfor %}
    {% endfor %}
    {% for entry in relations if entry.contacts and privacy_id_condition(entry, ids) != 'false' %}
        {% set query %}
            {% for column in entry.contacts %}
                select distinct cast({{ column }} as {{ dbt.type_string() }}) as contact_point
                from {{ entry.relation }}
                where {{ privacy_id_condition(entry, ids) }} and {{ column }} is not null
                {{ 'union' if not loop.last }}
            {% endfor %}
        {% endset %}
        {% for row in run_query(query) if row[0] | trim != '' %}
            {% set normalised = row[0] | trim | lower %}
            {% if normalised not in found.contact_points %}
                {% do found.contact_points.append(normalised) %}
            {% endif %}
            {% for text in ['"' ~ row[0] | lower ~ '"', '"' ~ normalised ~ '"'] %}
                {% if text not in found.texts %}
                    {% do found.texts.append(text) %}
                {% endif %}
            {% endfor %}
        {% endfor %}
    {% endfor %}
    {{ return(found) }}
{% endmacro %}
