{#-
    True when `column` looks like an email address: one @, a dotted domain, no spaces. The
    same pattern on every engine, through regex_match_expression (anchored: the whole value).
-#}
{% macro valid_email(column) -%}
    {{ regex_match_expression(
        column, '^[a-z0-9._%+\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}$', is_raw=true) }}
{%- endmacro %}
