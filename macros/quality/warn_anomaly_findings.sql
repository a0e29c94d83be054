{#-
    The warnings of the anomaly tests: runs `findings` (a query of dq_delivery_anomalies rows
    with a `reason` column) and logs each reason as a dbt warning, so that the build's log
    names the landing table and day (dbt's own line only counts the rows). Only when a build
    or a test run executes the test (not on compile or docs generate), and only when
    `model` exists.
-#}
{% macro warn_anomaly_findings(model, findings) %}
    {% if not execute or flags.WHICH not in ['build', 'test', 'retry'] %}
        {{ return('') }}
    {% endif %}
    {% if adapter.get_relation(model.database, model.schema, model.identifier) is none %}
        {{ return('') }}
    {% endif %}
    {% for row in run_query('select reason from (' ~ findings ~ ') as findings order by reason').rows %}
        {% do exceptions.warn('Delivery anomaly: ' ~ row[0]) %}
    {% endfor %}
{% endmacro %}
