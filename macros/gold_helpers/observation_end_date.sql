{#-
    The date the gold customer analytics are computed at: var `observation_end_date` when set,
    else the last order date in fct_orders. Using the data's own end (not today) keeps the
    gold tables reproducible: the same landing data gives the same tables on any day.
-#}
{% macro observation_end_date() %}
    {%- if var('observation_end_date') -%}
        cast('{{ var("observation_end_date") }}' as date)
    {%- else -%}
        (select max(order_date) from {{ ref('fct_orders') }})
    {%- endif -%}
{% endmacro %}
