{#-
    Generic test `freshness_anomalies`, after elementary's: the landing tables that
    dq_delivery_anomalies (`model`) finds late, as of the newest delivery of any landing
    table, by more than their usual gap between deliveries allows, the daily ones without
    a delivery that day (dq_delivery_freshness), and the days a daily table delivered nothing
    between two of its deliveries (of any age: such a hole stays until its file lands; a
    known one can be left out with the test's `where` config), and the landing files whose
    name has no date (their records count as delivered on the day they were ingested).
    Severity warn: each finding's sentence is logged as a warning naming the table and the
    days.
-#}
{% test freshness_anomalies(model) %}
    {{ config(severity='warn') }}
    {%- set findings %}
        select
            source_table,
            delivery_date,
            days_late,
            reason
        from {{ model }}
        where anomaly_type in ('freshness', 'missing', 'undated')
    {%- endset %}
    {%- do warn_anomaly_findings(model, findings) %}
    {{ findings }}
{% endtest %}
