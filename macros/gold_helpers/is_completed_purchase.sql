{#-
    The one definition of a purchase used by every customer metric (RFM, purchase summary,
    churn, customer 360): an order that was neither cancelled nor returned.
-#}
{% macro is_completed_purchase(order_alias=none) %}
    {%- set prefix = order_alias ~ '.' if order_alias else '' -%}
    (not {{ prefix }}is_cancelled and not {{ prefix }}is_returned)
{% endmacro %}
