{#-
    Bronze ingests every landing file it holds no record of. Deleting every record of a file
    from bronze while the file is still in the landing zone would make the next dbt build
    ingest it again, bringing the deleted records back (bronze remembers a file by its path
    under the landing root, `_source_path`). Stops the operation, before anything is changed,
    when the rows matching `delete_condition` (SQL) are all the records of a bronze file that
    is still in the landing zone; warns when the engine cannot tell.
-#}
{% macro privacy_check_reingestion(operation, entry, delete_condition) %}
    {% if not entry.is_bronze or '_source_file' not in entry.columns or delete_condition == 'false' %}
        {{ return(none) }}
    {% endif %}
    {#- bronze remembers a file by its path under the landing root (_source_path); a table
        built before that column existed, by its full path until the next build migrates it -#}
    {% set file_column = '_source_path' if '_source_path' in entry.columns else '_source_file' %}
    {% set emptied_query %}
        select {{ file_column }}
        from {{ entry.relation }}
        group by {{ file_column }}
        having sum(case when {{ delete_condition }} then 1 else 0 end) = count(*)
    {% endset %}
    {% set emptied = run_query(emptied_query).columns[0].values() | list %}
    {% if emptied %}
        {% set present = privacy_landing_files_present(entry, emptied) %}
        {% if present is none %}
            {% do log(operation ~ ": removes every record of " ~ emptied | length ~ " file(s) of "
                ~ entry.relation ~ " (e.g. " ~ emptied[0] ~ "); make sure they are gone from the"
                ~ " landing zone, or the next dbt build ingests them again.", info=true) %}
        {% elif present %}
            {{ exceptions.raise_compiler_error(
                operation ~ " would remove every record of " ~ present | length ~ " file(s) of "
                ~ entry.relation ~ " that are still in the landing zone (e.g. " ~ present[0]
                ~ "), so the next dbt build would ingest them again. Remove them from the landing"
                ~ " zone first (docs/privacy.md). Nothing was changed.") }}
        {% endif %}
    {% endif %}
{% endmacro %}
