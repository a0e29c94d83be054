{#-
    The id columns of `entry` (from privacy_relations) that tell whose a row is, by kind: every
    id column, except that the keys of facts (var privacy.fact_keys: order_id, ticket_id) count
    only in a relation holding contact details (the order or ticket record itself), not where
    they merely refer to the fact (order lines, web events).
-#}
{% macro privacy_id_columns(entry) %}
    {% set fact_keys = var('privacy').fact_keys %}
    {% set found = {} %}
    {% for kind, columns in entry.ids.items() if kind not in fact_keys or entry.contacts %}
        {% do found.update({kind: columns}) %}
    {% endfor %}
    {{ return(found) }}
{% endmacro %}


{#- A row of `entry` holds one of the customer's `ids` ({kind: [values]}) in an id column of
    that kind (SQL, never null); `false` when it has none. -#}
{% macro privacy_id_condition(entry, ids) %}
    {% set tests = [] %}
    {% for kind, columns in privacy_id_columns(entry).items() if ids.get(kind) %}
        {% for column in columns %}
            {% do tests.append('coalesce(trim(cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')) in ('
                ~ sql_literal_list(ids[kind]) ~ '), false)') %}
        {% endfor %}
    {% endfor %}
    {{ return('(' ~ tests | join(' or ') ~ ')' if tests else 'false') }}
{% endmacro %}
