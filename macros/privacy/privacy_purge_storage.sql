{#-
    After rows were deleted or rewritten: remove the old row data from storage.
    DuckDB: no older versions are kept; a checkpoint writes the changes into the database
    file (freed blocks are reused, not zeroed). Delta (Databricks, Spark): DELETE and UPDATE
    write new files (or deletion vectors) and keep the old files for time travel, so the
    rows are only gone once `REORG TABLE ... APPLY (PURGE)` has rewritten the files that
    carry deletion vectors and `VACUUM` has removed the files older than the table's
    retention (delta.deletedFileRetentionDuration, 7 days by default).
-#}
{% macro privacy_purge_storage(relations) %}
    {{ return(adapter.dispatch('privacy_purge_storage', 'customer360')(relations)) }}
{% endmacro %}

{% macro duckdb__privacy_purge_storage(relations) %}
    {% do run_query('checkpoint') %}
{% endmacro %}

{% macro spark__privacy_purge_storage(relations) %}
    {% for relation in relations %}
        {% do run_query('reorg table ' ~ relation ~ ' apply (purge)') %}
        {% do run_query('vacuum ' ~ relation) %}
    {% endfor %}
{% endmacro %}
