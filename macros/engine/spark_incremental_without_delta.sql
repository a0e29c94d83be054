{#-
    The incremental materialization of dbt-spark, for tables that are not Delta (the local
    Spark check writes parquet: no Delta jars offline). Parquet cannot MERGE or DELETE, so a
    model whose strategy needs them (merge, delete+insert) is built as a table from its
    full-refresh SQL: what its first run builds on Databricks. An incremental run of such a
    model stops with a clear message instead of writing a wrong table. Every other case
    (append, insert_overwrite, Delta tables) is dbt-spark's own materialization.
    dbt-databricks never gets here: its own incremental materialization comes first.
-#}
{% materialization incremental, adapter='spark', supported_languages=['sql'] %}
    {%- set file_format = config.get('file_format') or 'parquet' -%}
    {%- set strategy = config.get('incremental_strategy') or 'append' -%}
    {%- if file_format in ['delta', 'iceberg', 'hudi'] or strategy not in ['merge', 'delete+insert'] -%}
        {{ return(dbt.materialization_incremental_spark()) }}
    {%- endif -%}
    {%- if load_relation(this) is not none and not should_full_refresh() -%}
        {{ exceptions.raise_compiler_error(
            "Incremental strategy '" ~ strategy ~ "' needs Delta, and " ~ this ~ " is "
            ~ file_format ~ ": run with --full-refresh (make spark-check does), which builds it"
            ~ " as a table.") }}
    {%- endif -%}
    {{ log(this ~ ": " ~ strategy ~ " needs Delta; built as a " ~ file_format ~ " table.", info=true) }}
    {{ return(materialization_table_spark()) }}
{% endmaterialization %}
