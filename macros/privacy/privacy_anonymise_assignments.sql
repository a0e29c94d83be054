{#-
    The SET list that anonymises the customer's rows of one relation (`entry`), so that they
    can no longer be tied to the person but still count (orders, events, tickets, sessions):
    - each of the customer's ids (customer, CRM contact, shop account, browser, graph key)
      becomes a pseudonym, `erased_` + 16 hex characters of an md5 over the id and `secret`,
      a random value of this request that is stored nowhere: the same in every table (orders
      and sessions still join), impossible to trace back. The keys of facts (order_id,
      ticket_id: var privacy.fact_keys) stay;
    - a landed email becomes a pseudonym the same way (an order keeps naming a buyer, who is
      nobody: silver's rule order_has_buyer keeps holding for the order it loaded);
    - phones, normalised contact points and other personal columns become null;
    - a text column quoting one of the customer's identifiers (rescued data, a quarantined
      raw record) is replaced by the text `[erased]`.
-#}
{% macro privacy_anonymise_assignments(entry, identifiers, secret) %}
    {% set fact_keys = var('privacy').fact_keys %}
    {% set assignments = [] %}
    {% for kind, columns in entry.ids.items() if kind not in fact_keys and identifiers.ids.get(kind) %}
        {% for column in columns %}
            {% set value = 'trim(cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ '))' %}
            {% do assignments.append(column ~ ' = case when ' ~ value ~ ' in ('
                ~ sql_literal_list(identifiers.ids[kind]) ~ ') then ' ~ privacy_pseudonym(value, secret)
                ~ ' else ' ~ column ~ ' end') %}
        {% endfor %}
    {% endfor %}
    {% for column in entry.email %}
        {% do assignments.append(column ~ ' = case when ' ~ column ~ ' is not null then '
            ~ privacy_pseudonym('lower(trim(' ~ column ~ '))', secret) ~ ' end') %}
    {% endfor %}
    {% for column in entry.phone + entry.contact_point + entry.personal %}
        {% do assignments.append(column ~ ' = null') %}
    {% endfor %}
    {% for column in entry.text %}
        {% do assignments.append(column ~ ' = case when ' ~ privacy_text_condition(column, identifiers.texts)
            ~ " then '[erased]' else " ~ column ~ ' end') %}
    {% endfor %}
    {{ return(assignments) }}
{% endmacro %}
