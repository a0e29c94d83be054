{#-
    The incremental watermark: the latest ingestion time (`column`, default _ingested_at)
    already in this model, or 1900-01-01 when the table is empty, so that a first run over an
    empty landing folder does not leave the model reading nothing afterwards.
    A literal, looked up when the model runs: a filter on a literal reaches the bronze scan
    under a base view, so the view's verdict and hash run on the new records only, where a
    subquery made the engine evaluate them over the whole history first (DuckDB plans it as a
    join above the view: dq_quarantine's day 2 went from 84 s to 3 s under load). In a unit
    test (`this` is then the given rows' name) and at parse time, the subquery itself.
    Use inside `{% if is_incremental() %}`: `where _ingested_at > {{ last_ingested_at() }}`.
-#}
{% macro last_ingested_at(column='_ingested_at') -%}
    {%- set latest -%}
        (select coalesce(max({{ column }}), cast('1900-01-01' as timestamp)) from {{ this }})
    {%- endset -%}
    {%- if execute and this is not string -%}
        {%- set text = run_query(
            "select cast(" ~ latest ~ " as " ~ dbt.type_string() ~ ")").columns[0].values()[0] -%}
        cast('{{ text }}' as timestamp)
    {%- else -%}
        {{ latest }}
    {%- endif -%}
{%- endmacro %}
