{#- A pseudonym for a string expression: `erased_` + 16 hex characters of md5(value || secret). -#}
{% macro privacy_pseudonym(expression, secret) %}
    {{ return("concat('erased_', substr(" ~ dbt.hash('concat(' ~ expression ~ ', ' ~ sql_literal(secret) ~ ')') ~ ', 1, 16))') }}
{% endmacro %}
