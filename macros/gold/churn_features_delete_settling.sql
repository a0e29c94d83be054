{#-
    A pre-hook of churn_features on an incremental run: deletes the stored rows of the as-of
    dates after the run's as-of date minus churn_late_data_days (not settled yet: late records
    may still change them), which the model then computes as missing (see the model's header).
    Renders nothing on a first build or a full refresh.
-#}
{% macro churn_features_delete_settling() %}
    {%- if is_incremental() %}
        delete from {{ this }}
        where as_of_date > {{ dbt.dateadd('day', -1 * number_var('churn_late_data_days', 0, integer=true),
            as_of_date(ref('dq_delivery_counts'))) }}
    {%- endif -%}
{% endmacro %}
