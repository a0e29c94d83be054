{#- The digits of the phone text `column`, every other character removed (null stays null). -#}
{% macro phone_digits(column) %}
    {{ return(adapter.dispatch('phone_digits', 'customer360')(column)) }}
{% endmacro %}

{#- DuckDB replaces the first match only, unless given the `g` option. -#}
{% macro duckdb__phone_digits(column) -%}
    regexp_replace({{ column }}, '[^0-9]', '', 'g')
{%- endmacro %}

{% macro spark__phone_digits(column) -%}
    regexp_replace({{ column }}, '[^0-9]', '')
{%- endmacro %}
