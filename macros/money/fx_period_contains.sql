{#-
    The join condition of an as-of lookup on fx_rate_periods: true when the period `periods`
    (an alias of fx_rate_periods) contains the date `day`, i.e. valid_from <= day < valid_to,
    an open end (null) containing everything on its side.
-#}
{% macro fx_period_contains(periods, day) -%}
    ({{ periods }}.valid_from is null or {{ day }} >= {{ periods }}.valid_from)
    and ({{ periods }}.valid_to is null or {{ day }} < {{ periods }}.valid_to)
{%- endmacro %}
