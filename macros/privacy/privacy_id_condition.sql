{#- A customer id column of `entry` holds the customer's id (SQL, never null); `false` when it has none. -#}
{% macro privacy_id_condition(entry, customer_id) %}
    {% set tests = [] %}
    {% for column in entry.customer_id %}
        {% do tests.append('coalesce(trim(cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')) = '
            ~ privacy_literal(customer_id) ~ ', false)') %}
    {% endfor %}
    {{ return('(' ~ tests | join(' or ') ~ ')' if tests else 'false') }}
{% endmacro %}
