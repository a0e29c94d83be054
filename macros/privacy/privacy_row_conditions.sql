{#-
    The rows of one relation (`entry` from privacy_relations) that belong to the customer,
    as SQL conditions that are never null:
    - `by_id`: an id column holds one of the customer's ids of its kind
      (privacy_id_condition);
    - `match`: `by_id`, or a row with no id at all that holds one of the customer's contact
      points (email, phone, as landed or normalised) or a raw text quoting one of their
      identifiers (privacy_customer_identifiers). A row of another customer (any other id)
      is never matched;
    - `delete`: the rows to delete rather than anonymise: every matched row of a table that
      dbt rebuilds on each run (table models, seeds: the identity graph and gold), the
      customer's own rows of an identity relation (var privacy.identity_roles: the CRM
      contacts in bronze, staging and the snapshot, and their links to shop accounts), and
      the copies of deleted bronze records in raw-copy relations (the base models, the
      quarantine), by record id.
-#}
{% macro privacy_row_conditions(entry, identifiers, relations) %}
    {% set by_id = privacy_id_condition(entry, identifiers.ids) %}
    {% set traces = [] %}
    {% for column in entry.contacts if identifiers.contact_points %}
        {% do traces.append('lower(trim(' ~ column ~ ')) in (' ~ sql_literal_list(identifiers.contact_points) ~ ')') %}
    {% endfor %}
    {% for column in entry.text %}
        {% do traces.append(privacy_text_condition(column, identifiers.texts)) %}
    {% endfor %}
    {% set nulls = [] %}
    {% for columns in privacy_id_columns(entry).values() %}
        {% for column in columns %}
            {% do nulls.append(column ~ ' is null') %}
        {% endfor %}
    {% endfor %}
    {% if traces %}
        {% set match = '(' ~ by_id ~ ' or ((' ~ (nulls | join(' and ') or 'true') ~ ') and coalesce('
            ~ traces | join(' or ') ~ ', false)))' %}
    {% else %}
        {% set match = by_id %}
    {% endif %}

    {% if entry.is_rebuilt %}
        {% set delete = match %}
    {% elif entry.is_identity %}
        {% set delete = by_id %}
    {% elif entry.is_raw_copy and entry.record_id %}
        {% set copies = [] %}
        {% for bronze in relations if bronze.is_bronze and bronze.is_identity and bronze.record_id
            and privacy_id_condition(bronze, identifiers.ids) != 'false' %}
            {% do copies.append(entry.record_id[0] ~ ' in (select ' ~ bronze.record_id[0] ~ ' from '
                ~ bronze.relation ~ ' where ' ~ privacy_id_condition(bronze, identifiers.ids) ~ ')') %}
        {% endfor %}
        {% set delete = ('coalesce(' ~ copies | join(' or ') ~ ', false)') if copies else 'false' %}
    {% else %}
        {% set delete = 'false' %}
    {% endif %}
    {{ return({'by_id': by_id, 'match': match, 'delete': delete}) }}
{% endmacro %}
