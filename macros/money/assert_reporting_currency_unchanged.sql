{#-
    On an incremental run, stops the model when the amounts its table already holds are in
    another currency than var `reporting_currency` (its `reporting_currency` column), or when
    the table has no such column (built by a version that converted to EUR into `_eur`
    columns): merging new rows into it would mix currencies, or leave the old rows' amounts
    null. The sentence says what to run. Does nothing on a full build.
-#}
{% macro assert_reporting_currency_unchanged() %}
    {%- if execute and is_incremental() -%}
        {%- set wanted = var('reporting_currency', 'EUR') | string -%}
        {%- set rebuild = "dbt build --full-refresh --select " ~ model.name ~ "+ --vars '{reporting_currency: "
            ~ wanted ~ "}'" -%}
        {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name')
            | map('lower') | list -%}
        {%- if 'reporting_currency' not in columns -%}
            {{ exceptions.raise_compiler_error(
                this ~ " was built by an earlier version of the project (amounts in `_eur` "
                ~ "columns, no reporting_currency column); rebuild it and what depends on it: "
                ~ rebuild) }}
        {%- endif -%}
        {%- set held = run_query(
            "select distinct reporting_currency from " ~ this
            ~ " where reporting_currency is not null").columns[0].values() | list -%}
        {%- set others = held | reject('equalto', wanted) | list -%}
        {%- if others -%}
            {{ exceptions.raise_compiler_error(
                this ~ " holds amounts in " ~ (others | join(', ')) ~ " but reporting_currency "
                ~ "is " ~ wanted ~ "; rebuild it and what depends on it in " ~ wanted ~ ": "
                ~ rebuild) }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
