{#-
    A pre-hook of churn_features on an incremental run: deletes the stored rows the run must
    rebuild, which the model then computes as missing (see the model's header). `rows`:
    - 'settling': the rows of the as-of dates after the run's as-of date minus
      churn_late_data_days (not settled yet: late records may still change them);
    - 'identity_changed': every row of the customers whose identity changed (a stored
      identity_signature that the customer's identity nodes first delivered on or before the
      row's as-of date no longer give: customers merged or split), and of the customer_ids
      that no longer exist (no node: rows of a customer without a node delivered by then, which
      only late records make, are rebuilt too, and come out the same).
    One subquery level each, no NOT IN under an OR: what Delta's DELETE accepts. Renders
    nothing on a first build or a full refresh (the local Spark check's parquet tables).
-#}
{% macro churn_features_delete_unsettled(rows) %}
    {%- if rows not in ['settling', 'identity_changed'] -%}
        {{ exceptions.raise_compiler_error(
            "churn_features_delete_unsettled: rows must be 'settling' or 'identity_changed', not '"
            ~ rows ~ "'") }}
    {%- endif -%}
    {%- if is_incremental() -%}
        {%- if rows == 'settling' %}
            delete from {{ this }}
            where as_of_date > {{ dbt.dateadd('day', -1 * number_var('churn_late_data_days', 0, integer=true),
                as_of_date(ref('dq_delivery_counts'))) }}
        {%- else %}
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
                    or bit_xor({{ md5_bigint('identities.node_key') }})
                    != stored.identity_signature
            )
        {%- endif %}
    {%- endif -%}
{% endmacro %}
