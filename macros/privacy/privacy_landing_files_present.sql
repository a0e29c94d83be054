{#-
    Which of `files` (paths as bronze recorded them in _source_file) are still in the landing
    zone of the bronze relation `entry` (from privacy_relations). Returns a list, or none
    when the engine cannot list the landing zone from SQL.
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
        {% set listed = run_query("select file from glob(" ~ privacy_literal(contract.path) ~ ")") %}
        {% do present.extend(listed.columns[0].values() | select('in', files)) %}
    {% endfor %}
    {{ return(present) }}
{% endmacro %}
