{#-
    A pre-hook of churn_features on an incremental run: deletes every row of the customers
    whose identity changed (a stored identity_signature that the customer's identity nodes
    first delivered on or before the row's as-of date no longer give: customers merged or
    split), and of the customer_ids that no longer exist (no node: rows of a customer without
    a node delivered by then, which only late records make, are rebuilt too, and come out the
    same). The model then computes them as missing (see the model's header). One subquery
    level, no NOT IN under an OR: what Delta's DELETE accepts. Renders nothing on a first build
    or a full refresh (the local Spark check's parquet tables).
-#}
{% macro churn_features_delete_reidentified() %}
    {%- if is_incremental() %}
        delete from {{ this }}
        where customer_id in (
            select stored.customer_id
            from {{ this }} as stored
            left join {{ ref('int_customer_identities') }} as identities
                on
                    stored.customer_id = identities.customer_id
                    and identities.first_delivered_date <= stored.as_of_date
            group by stored.customer_id, stored.as_of_date, stored.identity_signature
            having
                count(identities.node_key) = 0
                or {{ set_signature('identities.node_key') }} != stored.identity_signature
        )
    {%- endif -%}
{% endmacro %}
