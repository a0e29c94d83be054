{#-
    The rows of one relation (`entry` from privacy_relations) that belong to the customer,
    as SQL conditions that are never null:
    - `by_id`: a customer id column holds the customer's id;
    - `match`: `by_id`, or a row with no customer id at all that holds one of the customer's
      identifiers (privacy_customer_identifiers): a stitched browser, an email or phone, or
      a raw text quoting one of them. A row of another customer is never matched;
    - `delete`: the rows to delete rather than anonymise: every matched row of a table that
      dbt rebuilds on each run (table models, seeds), the customer's own rows of a relation
      holding personal columns (the CRM identity: bronze, staging, snapshot), and the copies
      of deleted bronze records in raw-copy relations (the quarantine), by record id.
-#}
{% macro privacy_row_conditions(entry, customer_id, identifiers, relations) %}
    {% set by_id = privacy_id_condition(entry, customer_id) %}
    {% set traces = [] %}
    {% for column in entry.visitor_id if identifiers.visitors %}
        {% do traces.append(column ~ ' in (' ~ privacy_literal_list(identifiers.visitors) ~ ')') %}
    {% endfor %}
    {% for column in entry.email if identifiers.emails %}
        {% do traces.append('lower(trim(' ~ column ~ ')) in (' ~ privacy_literal_list(identifiers.emails) ~ ')') %}
    {% endfor %}
    {% for column in entry.phone if identifiers.phones %}
        {% do traces.append('trim(' ~ column ~ ') in (' ~ privacy_literal_list(identifiers.phones) ~ ')') %}
    {% endfor %}
    {% for column in entry.text %}
        {% do traces.append(privacy_text_condition(column, identifiers.texts)) %}
    {% endfor %}
    {% set nulls = [] %}
    {% for column in entry.customer_id %}
        {% do nulls.append(column ~ ' is null') %}
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
        {% for bronze in relations if bronze.is_bronze and bronze.is_identity and bronze.record_id %}
            {% do copies.append(entry.record_id[0] ~ ' in (select ' ~ bronze.record_id[0] ~ ' from '
                ~ bronze.relation ~ ' where ' ~ privacy_id_condition(bronze, customer_id) ~ ')') %}
        {% endfor %}
        {% set delete = ('coalesce(' ~ copies | join(' or ') ~ ', false)') if copies else 'false' %}
    {% else %}
        {% set delete = 'false' %}
    {% endif %}
    {{ return({'by_id': by_id, 'match': match, 'delete': delete}) }}
{% endmacro %}

