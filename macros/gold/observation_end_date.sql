{#-
    The date the gold customer analytics are computed at: var `observation_end_date` when set,
    else the last order_date of `orders`, a CTE the model imports (fct_orders, or
    int_customer_order_days: the same order dates), so the dependency shows in the model.
    Using the data's own end (not today) keeps the gold tables reproducible: the same landing
    data gives the same tables on any day.
-#}
{% macro observation_end_date(orders) %}
    {%- if var('observation_end_date') -%}
        cast('{{ var("observation_end_date") }}' as date)
    {%- else -%}
        (select max(order_date) from {{ orders }})
    {%- endif -%}
{% endmacro %}
