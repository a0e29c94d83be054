{#-
    The date gold is computed as of, as a SQL expression: var `as_of_date` (YYYY-MM-DD) when
    set, else the latest delivery day landed (the newest `delivery_date` of `deliveries`, a CTE
    the model imports from dq_delivery_counts, so the dependency shows in the model). A rerun
    with no new delivery keeps the date, so it changes no row; a new delivery day moves it.
    The var is outside input: it must be a date, or the build stops with a sentence.
-#}
{% macro as_of_date(deliveries) %}
    {%- set fixed = var('as_of_date') -%}
    {%- if fixed -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', fixed | string) -%}
            {{ exceptions.raise_compiler_error(
                "var as_of_date must be a date written YYYY-MM-DD, not '" ~ fixed ~ "'") }}
        {%- endif -%}
        cast('{{ fixed }}' as date)
    {%- else -%}
        (select max(delivery_date) from {{ deliveries }})
    {%- endif -%}
{% endmacro %}
