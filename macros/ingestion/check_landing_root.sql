{#-
    on-run-start: stops a run, before anything is built, when bronze models are to be built
    from scratch (first build, or --full-refresh) and the landing root holds no file for any
    of their contracts: a missing or empty landing root (or one set to the wrong folder) would
    otherwise build green with every table empty. Incremental runs with no new file are not
    checked, nor are optional tables (meta.optional_table), which may have no file.
    --vars '{allow_empty_landing: true}' builds on an empty landing root on purpose
    (the fixed-cost measurement of python_jobs/bench.py). Engines that cannot list files from
    SQL (Spark, Databricks) are not checked here; their readers fail on a missing path.
    On every run that builds bronze, it also warns about the files under the landing root that
    no contract reads (unmatched_landing_files).
-#}
{% macro check_landing_root() %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% set landing = [] %}
    {% set selected = [] %}
    {% set from_scratch = [] %}
    {% for node in graph.nodes.values()
        if node.resource_type == 'model' and 'bronze' in node.tags and node.sources %}
        {% set contract = landing_source_contract(node.sources[0][0], node.sources[0][1]) %}
        {% do landing.append(contract) %}
        {% if node.unique_id in selected_resources %}
            {% do selected.append(contract) %}
            {% set relation = adapter.get_relation(node.database, node.schema, node.alias) %}
            {#- an optional table (meta.optional_table) may have no file: no sign of a wrong root -#}
            {% if (relation is none or flags.FULL_REFRESH) and not contract.optional %}
                {% do from_scratch.append(contract) %}
            {% endif %}
        {% endif %}
    {% endfor %}
    {% if from_scratch and not var('allow_empty_landing', false)
        and landing_glob_files(from_scratch | map(attribute='path') | list) == [] %}
        {{ exceptions.raise_compiler_error(
            "The landing root '" ~ var('landing_root') ~ "' is missing or holds no landing file ("
            ~ from_scratch | map(attribute='path') | map('replace', var('landing_root') ~ '/', '') | join(', ')
            ~ "): point it at your exports with C360_LANDING_ROOT=<folder> or"
            ~ " --vars '{landing_root: <folder>}' (docs/landing_contract.md).") }}
    {% endif %}
    {% if selected %}
        {% set unmatched = unmatched_landing_files(landing) %}
        {% if unmatched %}
            {% do exceptions.warn(unmatched | length ~ " file(s) under the landing root '"
                ~ var('landing_root') ~ "' match no landing contract and are not read (e.g. "
                ~ (unmatched[:5] | map('tojson') | join(', ')) ~ "); check their folder, name and"
                ~ " case against docs/landing_contract.md.") %}
        {% endif %}
    {% endif %}
    {{ return('') }}
{% endmacro %}
