{#-
    In-place migration of a bronze table that lacks `_source_path` (the file's path relative to
    the landing root, by which bronze knows the files it read): adds the column and fills it
    for the records already there, from their `_source_file` (landing_source_path), so that the files they came
    from are not ingested again. Does nothing on a table that has the column. Needs a table
    that can be updated (DuckDB, Delta on Databricks); the parquet tables of the local Spark
    check are always rebuilt whole.
-#}
{% macro migrate_bronze_source_path(contract) %}
    {% set relation = load_relation(this) %}
    {% if relation is none %}
        {{ return(none) }}
    {% endif %}
    {% set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list %}
    {% if '_source_path' in columns %}
        {{ return(none) }}
    {% endif %}
    {% do log(relation ~ " has no _source_path (the landing file's path under the landing root):"
        ~ " adding _source_path to its records, from _source_file.", info=true) %}
    {% do alter_relation_add_remove_columns(relation, [api.Column.create('_source_path', dbt.type_string())], none) %}
    {% call statement('migrate_bronze_source_path') %}
        update {{ relation }}
        set _source_path = {{ landing_source_path(contract, '_source_file') }}
        where _source_path is null
    {% endcall %}
{% endmacro %}
