{#-
    An id a record refers to (an order's or a web event's shop account), trimmed_or_null, and
    null too for the values a system writes for "no account" (`0`, `-1`, `guest`,
    `unknown`, in any case): read as an id, every guest order would be one account's, and its
    buyers one customer.
-#}
{% macro reference_or_null(value) -%}
    case
        when lower(trim({{ value }})) in ('0', '-1', 'guest', 'unknown') then null
        else {{ trimmed_or_null(value) }}
    end
{%- endmacro %}
