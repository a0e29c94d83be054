{#-
    on-run-start: stops a run, before anything is built, when a bronze model is to be built
    from scratch (first build, or --full-refresh) and the landing root holds no file for its
    contract, or only files without a record (landing_files_hold_a_record: 0 bytes, a CSV
    header alone): a missing or empty landing root, one set to the wrong folder, one table's
    folder missing or named otherwise, or exports with nothing in them would build green with
    their tables empty. When no table has a file, the sentence is about the root; otherwise it
    names the tables. Incremental runs are not checked (a day with no new file is normal, and
    a deployment built empty on purpose waits for its first delivery), nor are optional tables
    (meta.optional_table), which may have no file.
    --vars '{allow_empty_landing: true}' builds on an empty landing root on purpose
    (the fixed-cost measurement of python_jobs/bench.py). Engines that cannot list files from
    SQL (Spark, Databricks) are not checked here; their readers fail on a missing path.
    On every run that builds bronze, it also warns about the files under the landing root that
    no contract reads (unmatched_landing_files). A --full-refresh of a bronze table that holds
    records of files no longer under the landing root (landing_files_gone: archived, moved)
    stops: it would lose them.
-#}
{% macro check_landing_root() %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% set landing = [] %}
    {% set selected = [] %}
    {% set required = [] %}
    {% set gone = [] %}
    {% for node in graph.nodes.values()
        if node.resource_type == 'model' and 'bronze' in node.tags and node.sources %}
        {% set contract = landing_source_contract(node.sources[0][0], node.sources[0][1]) %}
        {% do landing.append(contract) %}
        {% if node.unique_id in selected_resources %}
            {% do selected.append(contract) %}
            {% set relation = adapter.get_relation(node.database, node.schema, node.alias) %}
            {#- a full refresh builds bronze again from the files there are -#}
            {% if flags.FULL_REFRESH and relation is not none
                and '_source_path' in adapter.get_columns_in_relation(relation) | map(attribute='name') %}
                {% set missing_files = landing_files_gone(contract, relation) %}
                {% if missing_files %}
                    {% do gone.append(node.sources[0] | join('.') ~ ' (' ~ missing_files.records
                        ~ ' records of ' ~ missing_files.files ~ ' files)') %}
                {% endif %}
            {% endif %}
            {#- an optional table (meta.optional_table) may have no file: no sign of a wrong root -#}
            {% if not contract.optional %}
                {% do required.append({'contract': contract,
                    'relation': none if flags.FULL_REFRESH else relation,
                    'described': node.sources[0] | join('.') ~ ' ('
                        ~ contract.path | replace(var('landing_root') ~ '/', '') ~ ')'}) %}
            {% endif %}
        {% endif %}
    {% endfor %}
    {% if gone %}
        {{ exceptions.raise_compiler_error(
            "--full-refresh builds bronze again from the files under the landing root '"
            ~ var('landing_root') ~ "', and files that bronze ingested are no longer there"
            ~ " (archived, moved or deleted): " ~ gone | join(', ') ~ " would be lost from bronze"
            ~ " and everything built from it. Put the files back, or rebuild only silver and"
            ~ " gold from bronze as it is: dbt build --full-refresh --exclude tag:bronze. To"
            ~ " rebuild a bronze table from the files there are on purpose, drop it first"
            ~ " (docs/landing_contract.md).") }}
    {% endif %}
    {% if selected %}
        {% set unmatched = unmatched_landing_files(landing) %}
        {% if unmatched %}
            {% set compressed = [] %}
            {% for file in unmatched if modules.re.search('[.](gz|zip|bz2|zst|xz|7z|tar)$', file) %}
                {% do compressed.append(file) %}
            {% endfor %}
            {% do exceptions.warn(unmatched | length ~ " file(s) under the landing root '"
                ~ var('landing_root') ~ "' match no landing contract and are not read (e.g. "
                ~ (unmatched[:5] | map('tojson') | join(', ')) ~ "); check their folder, name and"
                ~ " case against docs/landing_contract.md."
                ~ (" Compressed files (" ~ compressed | length ~ ") are not read: deliver them"
                ~ " uncompressed." if compressed else "")) %}
        {% endif %}
    {% endif %}
    {% if required and not var('allow_empty_landing', false) %}
        {#- a table built from scratch with no file is missing (engines that cannot list
            files, none, are not checked) -#}
        {% set missing, without_record = [], [] %}
        {% for table in required if table.relation is none %}
            {% set files = landing_glob_files([table.contract.path]) %}
            {% if files == [] %}
                {% do missing.append(table) %}
            {% elif files and not landing_files_hold_a_record(table.contract, files) %}
                {% do without_record.append(table) %}
            {% endif %}
        {% endfor %}
        {% if missing | length > 1 and missing | length == required | length %}
            {{ exceptions.raise_compiler_error(
                "The landing root '" ~ var('landing_root') ~ "' is missing or holds no landing file ("
                ~ missing | map(attribute='contract.path') | map('replace', var('landing_root') ~ '/', '') | join(', ')
                ~ "): point it at your exports with C360_LANDING_ROOT=<folder> or"
                ~ " --vars '{landing_root: <folder>}' (docs/landing_contract.md).") }}
        {% elif missing or without_record %}
            {% set what = [] %}
            {% if missing %}
                {% do what.append("No landing file for "
                    ~ missing | map(attribute='described') | join(', ')) %}
            {% endif %}
            {% if without_record %}
                {% do what.append(("the" if missing else "The") ~ " landing files of "
                    ~ without_record | map(attribute='described') | join(', ')
                    ~ " hold no record (0 bytes, a CSV header alone or blank lines)") %}
            {% endif %}
            {{ exceptions.raise_compiler_error(
                what | join('; ') ~ " under the landing root '" ~ var('landing_root') ~ "': its"
                ~ " bronze table and everything built from it would be empty. Deliver its records"
                ~ " there, or set the folder and file names your exports use in meta.landing_path"
                ~ " of its source (models/bronze/<source>/_<source>__sources.yml,"
                ~ " docs/landing_contract.md); to build without it on purpose:"
                ~ " --vars '{allow_empty_landing: true}'.") }}
        {% endif %}
    {% endif %}
    {{ return('') }}
{% endmacro %}
