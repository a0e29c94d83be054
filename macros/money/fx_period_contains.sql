{#-
    The join condition of an as-of lookup on fx_rate_periods: true when the period `periods`
    (an alias of fx_rate_periods) contains the date `day`, i.e. valid_from <= day < valid_to,
    an open end (null) containing everything on its side. The open ends are closed with the
    first and last dates a date type holds rather than tested with `is null`: plain
    comparisons let the engine use the equality on the currency as a hash join (an `or` in
    the condition makes it compare every row with every period).
-#}
{% macro fx_period_contains(periods, day) -%}
    {{ day }} >= coalesce({{ periods }}.valid_from, cast('0001-01-01' as date))
    and {{ day }} < coalesce({{ periods }}.valid_to, cast('9999-12-31' as date))
{%- endmacro %}
