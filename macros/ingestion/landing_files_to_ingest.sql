{#-
    The landing files of a contract that this (incremental) model has not ingested yet
    (landing_file_is_new), in name order. A full refresh takes every file. Listing files is
    engine specific. File names are data: they reach SQL only as quoted literals.
-#}
{% macro landing_files_to_ingest(contract) %}
    {{ return(adapter.dispatch('landing_files_to_ingest', 'customer360')(contract)) }}
{% endmacro %}

{#-
    DuckDB: glob() lists the files. DuckDB's readers expand `*` and `?` in a file name they are
    given, so a file whose name has one cannot be read alone: it is left in the landing zone,
    not ingested, with a warning that says to rename it. An empty (0-byte) file holds no
    record (and may be a delivery still being written): it is logged and left out, so it is
    read once it has bytes. A file ingested before and modified since is not read again (a
    file is read once): a warning names it (duckdb__warn_rewritten_landing_files). So does a
    new file named for a day after tomorrow (landing_delivery_date then takes the ingestion
    day). Files with no date in their name are named on every engine by the delivery
    monitoring (dq_delivery_anomalies, `undated`).
-#}
{% macro duckdb__landing_files_to_ingest(contract) %}
    {#- one listing: each file with whether this model has ingested it already -#}
    {% set query %}
        select
            file,
            {{ landing_file_is_new(contract, 'file') if is_incremental() else 'true' }} as is_new
        from ({{ duckdb__landing_glob_query([contract.path]) }}) as landed
        order by file
    {% endset %}
    {% set readable, ingested = [], [] %}
    {% for file, is_new in run_query(query).rows %}
        {% set name = file.split('/') | last %}
        {% if '*' in name or '?' in name %}
            {% do exceptions.warn("Landing file " ~ (file | tojson) ~ " is not ingested: its name has"
                ~ " a wildcard character (* or ?), which the reader would expand; rename it.") %}
        {% elif is_new %}
            {% do readable.append(file) %}
            {#- the date in the name, as landing_delivery_date reads it -#}
            {% set patterns = landing_file_date_patterns() %}
            {% set named = modules.re.search(patterns[0], name) or modules.re.search(patterns[1], name) %}
            {% set day = named.group(1) ~ '-' ~ named.group(2) ~ '-' ~ named.group(3) if named else none %}
            {% set tomorrow = (run_started_at + modules.datetime.timedelta(days=1)).strftime('%Y-%m-%d') %}
            {% if day is not none and day > tomorrow
                and modules.re.fullmatch('[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])', day) %}
                {% do exceptions.warn("Landing file " ~ (file | tojson) ~ " is named for "
                    ~ day ~ ", after the day it is ingested (" ~ run_started_at.strftime('%Y-%m-%d')
                    ~ " UTC): its records count as delivered on the day they are ingested, not on a"
                    ~ " day in the future, which would move gold's as-of date (docs/landing_contract.md).") %}
            {% endif %}
        {% else %}
            {% do ingested.append(file) %}
        {% endif %}
    {% endfor %}
    {% if ingested %}
        {% do duckdb__warn_rewritten_landing_files(contract, ingested) %}
    {% endif %}
    {% if not readable %}
        {{ return([]) }}
    {% endif %}
    {% set sizes_query %}
        select filename, size
        from read_blob({{ duckdb__landing_file_list(readable) }})
        order by filename
    {% endset %}
    {% set sized = run_query(sizes_query) %}
    {% set with_bytes = [] %}
    {% for file, size in sized.rows %}
        {% if size == 0 %}
            {% do log("Landing file " ~ (file | tojson) ~ " is empty (0 bytes): no record to ingest;"
                ~ " it is read if it is written later.", info=true) %}
        {% else %}
            {% do with_bytes.append(file) %}
        {% endif %}
    {% endfor %}
    {{ return(with_bytes) }}
{% endmacro %}

{#-
    Spark SQL cannot list a folder: read_landing_files reads the glob and keeps the files
    this model has not ingested (landing_file_is_new on the file path column). Spark's readers
    fail on a glob that matches no file, so an optional table (contract.optional) whose glob
    matches none has no file to read (spark__landing_files_exist), and its model builds empty.
-#}
{% macro spark__landing_files_to_ingest(contract) %}
    {% if contract.optional and not spark__landing_files_exist(contract) %}
        {{ return([]) }}
    {% endif %}
    {{ return([contract.path]) }}
{% endmacro %}

{#-
    Spark: whether the contract's glob matches a file, asked without reading it: the binary
    file listing of the folder above the contract's folder (its parent, recursively; the
    landing root itself for a top-level folder), its paths matched against the contract's
    folder and file-name glob. That parent must exist (for crm/account_links: crm/, which
    crm.customers needs anyway).
-#}
{% macro spark__landing_files_exist(contract) %}
    {%- set parent = contract.directory.split('/')[:-1] | join('/') -%}
    {%- set file_glob = contract.path.split('/') | last -%}
    {#- the folder and glob as a LIKE pattern: `!` escapes the wildcards of LIKE -#}
    {%- set pattern = (contract.directory ~ '/' ~ file_glob) | replace('!', '!!')
        | replace('%', '!%') | replace('_', '!_') | replace('*', '%') | replace('?', '_') -%}
    {%- set listed = var('landing_root') ~ ('/' ~ parent if parent else '') ~ '/*' -%}
    {%- set query -%}
        select count(*) from binaryFile.{{ quote_landing_name(listed) }}
        where path like {{ sql_literal('%/' ~ pattern) }} escape '!'
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0] > 0) }}
{% endmacro %}
