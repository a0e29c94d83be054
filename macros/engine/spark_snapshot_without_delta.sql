{#-
    The snapshot materialization of dbt-spark, for tables that are not Delta (the local Spark
    check writes parquet). A snapshot's later runs MERGE into the snapshot table, which needs
    Delta; the closest parquet allows is its first run: the snapshot table built by dbt's own
    build_snapshot_table (every row with its dbt_scd_id, dbt_valid_from, dbt_valid_to...).
    Then the change detection of a later run (dbt's snapshot_staging_table: inserts, updates
    and hard deletes against the table just built) runs too, so that its SQL is proven on Spark;
    only the MERGE that would apply it is not run. On the same input it must find no change.
    Delta tables, and dbt-databricks, use the adapters' own snapshot materialization.
-#}
{% materialization snapshot, adapter='spark' %}
    {%- set file_format = config.get('file_format') or 'parquet' -%}
    {%- if file_format in ['delta', 'iceberg', 'hudi'] -%}
        {{ return(dbt.materialization_snapshot_spark()) }}
    {%- endif -%}

    {%- set target_relation = api.Relation.create(
        schema=model.schema, identifier=model.alias, type='table') -%}
    {%- set existing_relation = load_relation(target_relation) -%}
    {%- if existing_relation is not none -%}
        {%- do adapter.drop_relation(existing_relation) -%}
    {%- endif -%}
    {%- if not adapter.check_schema_exists(model.database, model.schema) -%}
        {%- do create_schema(target_relation) -%}
    {%- endif -%}

    {{ run_hooks(pre_hooks) }}

    {%- set strategy = strategy_dispatch(config.get('strategy'))(
        model, "snapshotted_data", "source_data", model['config'], false) -%}
    {%- call statement('main') -%}
        {{ create_table_as(false, target_relation, build_snapshot_table(strategy, sql)) }}
    {%- endcall -%}

    {%- set later_run_strategy = strategy_dispatch(config.get('strategy'))(
        model, "snapshotted_data", "source_data", model['config'], true) -%}
    {%- set changes = run_query(
        'select count(*) from ('
        ~ snapshot_staging_table(later_run_strategy, sql, target_relation)
        ~ ') as changes') -%}
    {%- set change_count = changes.columns[0].values()[0] -%}
    {%- if change_count != 0 -%}
        {{ exceptions.raise_compiler_error(
            target_relation ~ ": a snapshot run right after the first one found " ~ change_count
            ~ " changes on the same input (expected none).") }}
    {%- endif -%}
    {{ log(target_relation ~ ": snapshots need Delta; built as its first run in a "
        ~ file_format ~ " table; the change detection of a later run found no change.",
        info=true) }}

    {{ run_hooks(post_hooks) }}
    {%- do persist_docs(target_relation, model) -%}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
