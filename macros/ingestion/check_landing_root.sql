{#-
    on-run-start: stops a run, before anything is built, when bronze models are to be built
    from scratch (first build, or --full-refresh) and the landing root holds no file for any
    of their contracts: a missing or empty landing root (or one set to the wrong folder) would
    otherwise build green with every table empty. Incremental runs with no new file are not
    checked. --vars '{allow_empty_landing: true}' builds on an empty landing root on purpose
    (the fixed-cost measurement of python_jobs/bench.py). Engines that cannot list files from
    SQL (Spark, Databricks) are not checked here; their readers fail on a missing path.
-#}
{% macro check_landing_root() %}
    {% if not execute or var('allow_empty_landing', false) %}
        {{ return('') }}
    {% endif %}
    {% set contracts = [] %}
    {% for node in graph.nodes.values()
        if node.resource_type == 'model' and 'bronze' in node.tags
        and node.unique_id in selected_resources and node.sources %}
        {% set relation = adapter.get_relation(node.database, node.schema, node.alias) %}
        {% if relation is none or flags.FULL_REFRESH %}
            {% do contracts.append(landing_source_contract(node.sources[0][0], node.sources[0][1])) %}
        {% endif %}
    {% endfor %}
    {% if not contracts %}
        {{ return('') }}
    {% endif %}
    {% set files = landing_file_count(contracts) %}
    {% if files == 0 %}
        {{ exceptions.raise_compiler_error(
            "The landing root '" ~ var('landing_root') ~ "' is missing or holds no landing file ("
            ~ contracts | map(attribute='path') | map('replace', var('landing_root') ~ '/', '') | join(', ')
            ~ "): point it at your exports with C360_LANDING_ROOT=<folder> or"
            ~ " --vars '{landing_root: <folder>}' (docs/landing_contract.md).") }}
    {% endif %}
    {{ return('') }}
{% endmacro %}

