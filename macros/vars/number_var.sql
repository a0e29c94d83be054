{#-
    The dbt var `name` as a number, checked: a var is outside input (`--vars`), so it reaches
    SQL only as a number. An int when `integer`, within `minimum` and `maximum` (none: no
    bound); anything else (a string, a boolean, a number out of range) stops the build with a
    sentence naming the var and the value.
-#}
{% macro number_var(name, minimum=none, maximum=none, integer=false) %}
    {%- set value = var(name) -%}
    {%- set kind = 'a whole number' if integer else 'a number' -%}
    {%- set is_kind = value is number and value is not boolean
        and (value is integer or not integer) -%}
    {%- set in_range = is_kind
        and (minimum is none or value >= minimum)
        and (maximum is none or value <= maximum) -%}
    {%- if not in_range -%}
        {%- set bounds = [] -%}
        {%- if minimum is not none %}{% do bounds.append('at least ' ~ minimum) %}{% endif -%}
        {%- if maximum is not none %}{% do bounds.append('at most ' ~ maximum) %}{% endif -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be " ~ kind
            ~ ((' ' ~ (bounds | join(' and '))) if bounds else '')
            ~ ", not " ~ (value | tojson) ~ ".") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}
