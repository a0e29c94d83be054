{#-
    The SET list that anonymises the customer's rows of one relation (`entry`), so that they
    can no longer be tied to the person but still count (orders, events, tickets, sessions):
    - the customer's id becomes a pseudonym, `erased_` + 16 hex characters of an md5 over
      the id and `secret`, a random value of this request that is stored nowhere: the same
      in every table (orders and sessions still join), impossible to trace back;
    - the customer's browser ids become pseudonyms the same way;
    - email, phone and other personal columns become null;
    - a text column quoting one of the customer's identifiers (rescued data, a quarantined
      raw record) is replaced by the text `[erased]`.
-#}
{% macro privacy_anonymise_assignments(entry, customer_id, identifiers, secret) %}
    {% set assignments = [] %}
    {% for column in entry.customer_id %}
        {% do assignments.append(column ~ ' = case when ' ~ privacy_id_condition({'customer_id': [column]}, customer_id)
            ~ ' then ' ~ privacy_pseudonym(privacy_literal(customer_id), secret) ~ ' else ' ~ column ~ ' end') %}
    {% endfor %}
    {% for column in entry.visitor_id if identifiers.visitors %}
        {% do assignments.append(column ~ ' = case when ' ~ column ~ ' in (' ~ privacy_literal_list(identifiers.visitors)
            ~ ') then ' ~ privacy_pseudonym(column, secret) ~ ' else ' ~ column ~ ' end') %}
    {% endfor %}
    {% for column in entry.email + entry.phone + entry.personal %}
        {% do assignments.append(column ~ ' = null') %}
    {% endfor %}
    {% for column in entry.text %}
        {% do assignments.append(column ~ ' = case when ' ~ privacy_text_condition(column, identifiers.texts)
            ~ " then '[erased]' else " ~ column ~ ' end') %}
    {% endfor %}
    {{ return(assignments) }}
{% endmacro %}
