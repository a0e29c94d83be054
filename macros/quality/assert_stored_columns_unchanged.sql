{#-
    On an incremental run, stops a model whose stored table lacks a column its yml documents:
    a column added to the model since its table was built. Its incremental select reads the
    stored rows by position (union_current_versions), so it would fail on the column count.
    The sentence names the columns and the rebuild to run (or the yml to fix, when the SQL
    does not select the column). A dbt command that only compiles (compile, docs generate,
    the lint's templater) gets the sentence as a warning. Does nothing on a full build or in
    a unit test.
-#}
{% macro assert_stored_columns_unchanged() %}
    {#- in a dbt unit test `this` is the mocked input (a string), not a table: nothing to check -#}
    {%- if execute and is_incremental() and this is not string -%}
        {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name')
            | map('lower') | list -%}
        {%- set added = model.columns.keys() | map('lower') | reject('in', stored) | list -%}
        {%- if stored and added -%}
            {%- set message = this ~ " lacks the column(s) " ~ added | join(', ') ~ " that "
                ~ model.name ~ "'s yml documents, and its incremental run reads the stored rows"
                ~ " by position. If the model now selects them, rebuild it and what reads it:"
                ~ " dbt build --full-refresh --select " ~ model.name ~ "+ --exclude"
                ~ " tag:churn_scoring (for a column a landing contract gained, silver and gold"
                ~ " from bronze instead: dbt run --select tag:bronze, then dbt build"
                ~ " --full-refresh --exclude tag:bronze tag:churn_scoring); if not, fix the yml" -%}
            {%- if flags.WHICH in ['run', 'build', 'retry'] -%}
                {{ exceptions.raise_compiler_error(message) }}
            {%- else -%}
                {{ exceptions.warn(message) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
