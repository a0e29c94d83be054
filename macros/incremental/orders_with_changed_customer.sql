{#-
    The orders whose customer changed since the last run of an incremental model keyed by
    order (fct_orders, fct_order_items): those stored with another customer_id than
    `order_customers` (a relation of order_id, customer_id from int_customer_identities) now
    gives them, because identity resolution merged or split customers. Their rows are rebuilt,
    so the incremental model equals a full refresh. On a first build or a full refresh: none.
-#}
{% macro orders_with_changed_customer(order_customers) -%}
    {%- if is_incremental() %}
        select stored.order_id
        from {{ this }} as stored
        inner join {{ order_customers }} as current_customers
            on stored.order_id = current_customers.order_id
        where stored.customer_id != current_customers.customer_id
    {%- else %}
        select order_id
        from {{ order_customers }}
        where 1 = 0
    {%- endif %}
{%- endmacro %}
