{#- How many landing files the contracts' globs match; none when the engine cannot list files. -#}
{% macro landing_file_count(contracts) %}
    {{ return(adapter.dispatch('landing_file_count', 'customer360')(contracts)) }}
{% endmacro %}

{% macro default__landing_file_count(contracts) %}
    {{ return(none) }}
{% endmacro %}

{% macro duckdb__landing_file_count(contracts) %}
    {% set query %}
        select count(*) from (
            {{- duckdb__landing_glob_files(contracts) }}
        ) as landed
    {% endset %}
    {{ return(run_query(query).columns[0].values()[0]) }}
{% endmacro %}
