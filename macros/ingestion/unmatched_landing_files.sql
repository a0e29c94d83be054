{#-
    The files under the landing root that no contract's glob matches (another case, another
    folder, a typo in the name): bronze never reads them. Files whose name starts with `_` or
    `.` (the generator's `_manifest.json`, hidden files) are left out. Returns a list, or none
    when the engine cannot list files from SQL.
-#}
{% macro unmatched_landing_files(contracts) %}
    {{ return(adapter.dispatch('unmatched_landing_files', 'customer360')(contracts)) }}
{% endmacro %}

{% macro default__unmatched_landing_files(contracts) %}
    {{ return(none) }}
{% endmacro %}

{% macro duckdb__unmatched_landing_files(contracts) %}
    {% set query %}
        select file
        from glob({{ privacy_literal(var('landing_root') ~ '/**') }})
        where
            not starts_with(parse_filename(file), '_')
            and not starts_with(parse_filename(file), '.')
            and file not in (
                {{- duckdb__landing_glob_files(contracts) }}
            )
        order by file
    {% endset %}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}
