{#-
    The landing files a bronze table holds records of that are no longer under the landing
    root (archived, moved, deleted), as a dict: `files` (how many) and `records` (how many
    bronze records they hold), or none when there is none, or the engine cannot list files from
    SQL (Spark, Databricks). check_landing_root asks it before a --full-refresh, which builds
    bronze again from the files there are: those records would be lost.
-#}
{% macro landing_files_gone(contract, relation) %}
    {{ return(adapter.dispatch('landing_files_gone', 'customer360')(contract, relation)) }}
{% endmacro %}

{% macro default__landing_files_gone(contract, relation) %}
    {{ return(none) }}
{% endmacro %}

{% macro duckdb__landing_files_gone(contract, relation) %}
    {%- set gone -%}
        with landed as (
            select {{ landing_source_path(contract, 'file') }} as _source_path
            from ({{ duckdb__landing_glob_query([contract.path]) }}) as files
        )

        select
            count(distinct ingested._source_path) as files,
            count(*) as records
        from {{ relation }} as ingested
        where ingested._source_path not in (select landed._source_path from landed)
    {%- endset -%}
    {%- set row = run_query(gone).rows[0] -%}
    {{ return({'files': row[0], 'records': row[1]} if row[0] > 0 else none) }}
{% endmacro %}
