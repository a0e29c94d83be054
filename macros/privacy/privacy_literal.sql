{#-
    A value as a SQL string literal, quotes (and on Spark backslashes) escaped, so that
    values read from the data can be put into a statement without being able to change it.
-#}
{% macro privacy_literal(value) %}
    {{ return(adapter.dispatch('privacy_literal', 'customer360')(value)) }}
{% endmacro %}

{% macro default__privacy_literal(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{#- Spark SQL string literals treat the backslash as an escape character. -#}
{% macro spark__privacy_literal(value) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}


{#- Values as a comma-separated list of SQL string literals. -#}
{% macro privacy_literal_list(values) %}
    {% set literals = [] %}
    {% for value in values %}
        {% do literals.append(privacy_literal(value)) %}
    {% endfor %}
    {{ return(literals | join(', ')) }}
{% endmacro %}
