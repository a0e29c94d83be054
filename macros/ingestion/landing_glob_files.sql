{#-
    The files the given globs match, as full paths in name order (a list), or none when the
    engine cannot list files from SQL (Spark, Databricks). The one listing of the landing
    zone that check_landing_root (no landing file at all) and unmatched_landing_files use.
-#}
{% macro landing_glob_files(globs) %}
    {{ return(adapter.dispatch('landing_glob_files', 'customer360')(globs)) }}
{% endmacro %}

{% macro default__landing_glob_files(globs) %}
    {{ return(none) }}
{% endmacro %}

{% macro duckdb__landing_glob_files(globs) %}
    {% set query %}
        select file from ({{ duckdb__landing_glob_query(globs) }}) as landed
        order by file
    {% endset %}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}


{#-
    DuckDB: the SQL of a query with one column, `file`: the full path of every file the
    globs match (glob(), one per glob, union all). duckdb__landing_glob_files runs it;
    duckdb__landing_files_to_ingest filters it to the files not ingested yet.
-#}
{% macro duckdb__landing_glob_query(globs) -%}
    {%- for glob in globs %}
    select file from glob({{ sql_literal(glob) }})
    {{ 'union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
