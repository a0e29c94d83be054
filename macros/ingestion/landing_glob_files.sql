{#-
    DuckDB: a query of one column, `file`: the full path of every file the globs of the given
    landing contracts match (glob(), one per contract, union all). Shared by the DuckDB
    bodies that list landing files: landing_file_count, unmatched_landing_files,
    landing_files_to_ingest.
-#}
{% macro duckdb__landing_glob_files(contracts) -%}
    {%- for contract in contracts %}
    select file from glob({{ privacy_literal(contract.path) }})
    {{ 'union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
