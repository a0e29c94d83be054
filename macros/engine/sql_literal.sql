{#-
    A value as a SQL string literal, quotes (and on Spark backslashes) escaped, so that a
    value from outside (a landing file's name or header, a value read from the data, a var,
    a run-operation argument) can be put into a statement without being able to change it.
    dbt's own string_literal does not escape.
-#}
{% macro sql_literal(value) %}
    {{ return(adapter.dispatch('sql_literal', 'customer360')(value)) }}
{% endmacro %}

{% macro default__sql_literal(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{#- Spark SQL string literals treat the backslash as an escape character. -#}
{% macro spark__sql_literal(value) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}


{#- Values as a comma-separated list of SQL string literals. -#}
{% macro sql_literal_list(values) %}
    {% set literals = [] %}
    {% for value in values %}
        {% do literals.append(sql_literal(value)) %}
    {% endfor %}
    {{ return(literals | join(', ')) }}
{% endmacro %}
