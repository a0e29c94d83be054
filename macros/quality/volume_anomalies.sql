{#-
    Generic test `volume_anomalies`, after elementary's: the volume anomalies of
    dq_delivery_anomalies (`model`) among the deliveries of the detection period, the
    `detection_period_days` days up to the newest delivery of any landing table (default: var
    anomaly_detection_days). Older anomalies stay in the table (and on the dashboard) without
    warning again. `anomaly_direction` keeps only drops or spikes. Severity warn: each
    finding's sentence is logged as a warning naming the table and day.
-#}
{% test volume_anomalies(model, anomaly_direction='both', detection_period_days=none) %}
    {{ config(severity='warn') }}
    {%- if anomaly_direction not in ['both', 'drop', 'spike'] %}
        {{ exceptions.raise_compiler_error(
            "volume_anomalies: anomaly_direction is 'both', 'drop' or 'spike', not '"
            ~ anomaly_direction ~ "'.") }}
    {%- endif %}
    {%- set days = detection_period_days if detection_period_days is not none
        else number_var('anomaly_detection_days', 1, integer=true) %}
    {%- set findings %}
        select
            source_table,
            delivery_date,
            anomaly_direction,
            records,
            expected_records,
            z_score,
            reason
        from {{ model }}
        where
            anomaly_type = 'volume'
            {%- if anomaly_direction != 'both' %}
            and anomaly_direction = '{{ anomaly_direction }}'
            {%- endif %}
            and {{ dbt.datediff('delivery_date', 'as_of_date', 'day') }} < {{ days | int }}
    {%- endset %}
    {%- do warn_anomaly_findings(model, findings) %}
    {{ findings }}
{% endtest %}
