{#-
    On an incremental run, stops the model when the days its table already holds were
    counted in another time zone than var `reporting_time_zone` (its `reporting_time_zone`
    column), or when the table has no such column (built by a version that did not record
    the zone): merging new rows into it would put some orders, events or sessions on the day
    of one zone and the rest on the day of another. The sentence says what to run.
-#}
{% macro assert_reporting_time_zone_unchanged() %}
    {{- customer360.assert_stored_setting_unchanged(
        'reporting_time_zone',
        customer360.reporting_time_zone(),
        'days counted',
        missing_column_message='was built by an earlier version of the project, which did not '
            ~ 'record the time zone its days are counted in (no reporting_time_zone column)') -}}
{% endmacro %}
