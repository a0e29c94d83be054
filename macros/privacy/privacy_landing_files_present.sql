{#-
    Which of `files` (paths as bronze recorded them: under the landing root in _source_path,
    or in full in the _source_file of a table built before _source_path existed) are still in
    the landing zone of the bronze relation `entry` (from privacy_relations). Returns a list,
    or none when the engine cannot list the landing zone from SQL.
-#}
{% macro privacy_landing_files_present(entry, files) %}
    {{ return(adapter.dispatch('privacy_landing_files_present', 'customer360')(entry, files)) }}
{% endmacro %}

{% macro default__privacy_landing_files_present(entry, files) %}
    {{ return(none) }}
{% endmacro %}

{% macro duckdb__privacy_landing_files_present(entry, files) %}
    {% set present = [] %}
    {% for source_name, table_name in entry.sources %}
        {% set contract = landing_source_contract(source_name, table_name) %}
        {% set listed = run_query(
            "select file, " ~ landing_source_path(contract, 'file')
            ~ " from glob(" ~ sql_literal(contract.path) ~ ")") %}
        {% for file, source_path in listed.rows %}
            {% do present.extend([file, source_path] | select('in', files)) %}
        {% endfor %}
    {% endfor %}
    {{ return(present) }}
{% endmacro %}
