{#-
    The incremental watermark: the latest ingestion time (`column`, default _ingested_at)
    already in this model, or before_first_ingestion() when the table is empty, so that a first run over an
    empty landing folder does not leave the model reading nothing afterwards.
    A literal, looked up when the model runs: a filter on a literal reaches the table scan,
    which skips the row groups ingested earlier, and the scan under a view, whose expressions
    then run on the new records only; DuckDB plans a subquery as a join above the scan or the
    view, after reading or evaluating the whole history. In a unit test (`this` is then the
    given rows' name) and at parse time, the subquery itself.
    Use inside `{% if is_incremental() %}`: `where _ingested_at > {{ last_ingested_at() }}`.
-#}
{% macro last_ingested_at(column='_ingested_at') -%}
    {%- set latest -%}
        (select coalesce(max({{ column }}), {{ before_first_ingestion() }}) from {{ this }})
    {%- endset -%}
    {%- if execute and this is not string -%}
        {%- set text = run_query(
            "select cast(" ~ latest ~ " as " ~ dbt.type_string() ~ ")").columns[0].values()[0] -%}
        cast('{{ text }}' as timestamp)
    {%- else -%}
        {{ latest }}
    {%- endif -%}
{%- endmacro %}
