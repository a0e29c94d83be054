{#- SHA-256 of a string expression, as 64 lower-case hex characters. -#}
{% macro privacy_hash(expression) %}
    {{ return(adapter.dispatch('privacy_hash', 'customer360')(expression)) }}
{% endmacro %}

{% macro duckdb__privacy_hash(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{% macro spark__privacy_hash(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}
