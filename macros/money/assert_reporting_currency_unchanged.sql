{#-
    On an incremental run, stops the model when the amounts its table already holds are in
    another currency than var `reporting_currency` (its `reporting_currency` column), or when
    the table has no such column (built by a version that converted to EUR into `_eur`
    columns): merging new rows into it would mix currencies, or leave the old rows' amounts
    null. Silver and gold are rebuilt (quarantine verdicts depend on the reporting currency's
    first rate too), bronze is not. The sentence says what to run. Does nothing on a full
    build or in a unit test.
-#}
{% macro assert_reporting_currency_unchanged() %}
    {#- in a dbt unit test `this` is the mocked input (a string), not a table: nothing to check -#}
    {%- if execute and is_incremental() and this is not string -%}
        {%- set wanted = var('reporting_currency', 'EUR') | string -%}
        {#- not bronze: it keeps landing records that a full refresh may not find again -#}
        {%- set rebuild = "dbt build --full-refresh --select tag:silver tag:gold --vars "
            ~ "'{reporting_currency: " ~ wanted ~ "}'" -%}
        {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name')
            | map('lower') | list -%}
        {%- if 'reporting_currency' not in columns -%}
            {{ exceptions.raise_compiler_error(
                this ~ " was built by an earlier version of the project (amounts in `_eur` "
                ~ "columns, no reporting_currency column); rebuild silver and gold: "
                ~ rebuild) }}
        {%- endif -%}
        {%- set held = run_query(
            "select distinct reporting_currency from " ~ this
            ~ " where reporting_currency is not null").columns[0].values() | list -%}
        {%- set others = held | reject('equalto', wanted) | list -%}
        {%- if others -%}
            {{ exceptions.raise_compiler_error(
                this ~ " holds amounts in " ~ (others | join(', ')) ~ " but reporting_currency "
                ~ "is " ~ wanted ~ "; rebuild silver and gold in " ~ wanted ~ ": "
                ~ rebuild) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
