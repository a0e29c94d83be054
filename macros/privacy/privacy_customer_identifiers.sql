{#-
    Everything that identifies one customer in the warehouse, read from every relation that
    holds the customer's id next to an email, phone or visitor (browser) id column: every
    email and phone the customer ever had (as landed and normalised), the browsers stitched
    to them, and `texts`: the quoted, lower-case JSON strings ("C1000001", "ann@x.org", …)
    by which raw record text (rescued data, quarantined raw records) refers to them.
-#}
{% macro privacy_customer_identifiers(relations, customer_id) %}
    {% set found = {'emails': [], 'phones': [], 'visitors': [], 'texts': ['"' ~ customer_id | lower ~ '"']} %}
    {% for entry in relations
        if entry.customer_id and (entry.email or entry.phone or entry.visitor_id) %}
        {% set query %}
            {% for column in entry.email + entry.phone + entry.visitor_id %}
                select distinct
                    '{{ column }}' as column_name,
                    cast({{ column }} as {{ dbt.type_string() }}) as column_value
                from {{ entry.relation }}
                where {{ privacy_id_condition(entry, customer_id) }}
                {{ 'union all' if not loop.last }}
            {% endfor %}
        {% endset %}
        {% for row in run_query(query) if row[1] is not none and row[1] | trim != '' %}
            {% set value = row[1] %}
            {% if row[0] in entry.email %}
                {% set kind, normalised = 'emails', value | trim | lower %}
            {% elif row[0] in entry.phone %}
                {% set kind, normalised = 'phones', value | trim %}
            {% else %}
                {% set kind, normalised = 'visitors', value %}
            {% endif %}
            {% if normalised not in found[kind] %}
                {% do found[kind].append(normalised) %}
            {% endif %}
            {% for text in ['"' ~ value | lower ~ '"', '"' ~ normalised | lower ~ '"'] %}
                {% if text not in found.texts %}
                    {% do found.texts.append(text) %}
                {% endif %}
            {% endfor %}
        {% endfor %}
    {% endfor %}
    {{ return(found) }}
{% endmacro %}
