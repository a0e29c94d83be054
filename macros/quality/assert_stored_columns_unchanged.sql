{#-
    On an incremental run, stops a model whose stored table lacks a column its yml documents:
    a column added to the model since its table was built. Its incremental select reads the
    stored rows by position (union_current_versions), so it would fail on the column count.
    The sentence names the columns and the rebuild to run. Does nothing on a full build or in
    a unit test.
-#}
{% macro assert_stored_columns_unchanged() %}
    {#- in a dbt unit test `this` is the mocked input (a string), not a table: nothing to check -#}
    {%- if execute and is_incremental() and this is not string -%}
        {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name')
            | map('lower') | list -%}
        {%- set added = model.columns.keys() | map('lower') | reject('in', stored) | list -%}
        {%- if stored and added -%}
            {{ exceptions.raise_compiler_error(
                this ~ " was built before " ~ model.name ~ " had the column(s) "
                ~ added | join(', ') ~ ", and its incremental run reads the stored rows by"
                ~ " position. Rebuild it and what reads it: dbt build --full-refresh --select "
                ~ model.name ~ "+ --exclude tag:churn_scoring. A column that a landing contract"
                ~ " gained: rebuild silver and gold from bronze instead, so that every record's"
                ~ " _raw_record_hash covers it: dbt build --full-refresh --exclude tag:bronze"
                ~ " tag:churn_scoring") }}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
