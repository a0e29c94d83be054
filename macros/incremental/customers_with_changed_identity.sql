{#-
    The customers whose source ids changed since the last run of an incremental model keyed by
    customer (int_customer_facts): identity resolution merged or split customers, or gave a
    customer a new source id. `customer_nodes` is a relation of every current customer_id with
    `nodes_count` and `nodes_signature` (an order-independent hash of its node keys); the model
    stores the same two columns. A customer is changed when its pair differs from the stored
    one or is not stored (the ids nodes moved to, and new customers), and a customer stored
    live (`not is_retired`) is changed when it holds no node any more (the ids nodes moved
    from, merged away). On a first build or a full refresh: every current customer.
-#}
{% macro customers_with_changed_identity(customer_nodes) -%}
    {%- if is_incremental() %}
        select current_nodes.customer_id
        from {{ customer_nodes }} as current_nodes
        left join {{ this }} as stored
            on current_nodes.customer_id = stored.customer_id
        where
            stored.customer_id is null
            or stored.nodes_count != current_nodes.nodes_count
            or stored.nodes_signature != current_nodes.nodes_signature
        union all
        select stored.customer_id
        from {{ this }} as stored
        left join {{ customer_nodes }} as current_nodes
            on stored.customer_id = current_nodes.customer_id
        where not stored.is_retired and current_nodes.customer_id is null
    {%- else %}
        select customer_id
        from {{ customer_nodes }}
    {%- endif %}
{%- endmacro %}
