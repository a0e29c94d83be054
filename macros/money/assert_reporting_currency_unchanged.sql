{#-
    On an incremental run, stops the model when the amounts its table already holds are in
    another currency than var `reporting_currency` (its `reporting_currency` column), or when
    the table has no such column (built by a version that converted to EUR into `_eur`
    columns): merging new rows into it would mix currencies, or leave the old rows' amounts
    null. Silver and gold are rebuilt (quarantine verdicts depend on the reporting currency's
    first rate too), bronze is not. The sentence says what to run.
-#}
{% macro assert_reporting_currency_unchanged() %}
    {{- customer360.assert_stored_setting_unchanged(
        'reporting_currency',
        var('reporting_currency', 'EUR') | string,
        'amounts',
        missing_column_message='was built by an earlier version of the project (amounts in '
            ~ '`_eur` columns, no reporting_currency column)') -}}
{% endmacro %}
