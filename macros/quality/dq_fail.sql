{#-
    A fail-severity data-quality rule: an invariant whose violation means the pipeline
    itself is wrong (reference data incomplete, a transformation bug), not that a record is
    bad. Returns the violating rows; with the project's default severity (error) `dbt build`
    stops and skips everything downstream, and dbt's message names the test (give it
    `name: dq_fail__<rule>`) and the count of violating rows.
-#}
{% test dq_fail(model, rule, expect) %}
    select *
    from {{ model }}
    where not coalesce(({{ expect }}), false)
{% endtest %}
