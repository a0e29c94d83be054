{#- True when `column` looks like an email address: one @, a dotted domain, no spaces. -#}
{% macro valid_email(column) %}
    {{ return(adapter.dispatch('valid_email', 'customer360')(column)) }}
{% endmacro %}

{% macro duckdb__valid_email(column) -%}
    regexp_full_match({{ column }}, '[a-z0-9._%+\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}')
{%- endmacro %}

{% macro spark__valid_email(column) -%}
    ({{ column }} rlike '^[a-z0-9._%+\\-]+@[a-z0-9\\-]+(\\.[a-z0-9\\-]+)*\\.[a-z]{2,}$')
{%- endmacro %}
