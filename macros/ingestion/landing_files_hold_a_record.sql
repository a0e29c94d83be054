{#-
    Whether any of a landing table's `files` (full paths) holds a record: a first build whose
    required table has only files without one (0 bytes, a CSV header alone, blank lines) would
    build it empty, like a table without a file. check_landing_root asks it.
-#}
{% macro landing_files_hold_a_record(contract, files) %}
    {{ return(adapter.dispatch('landing_files_hold_a_record', 'customer360')(contract, files)) }}
{% endmacro %}

{#- Engines that cannot read files from SQL here (Spark, Databricks): not checked. -#}
{% macro default__landing_files_hold_a_record(contract, files) %}
    {{ return(true) }}
{% endmacro %}

{#-
    DuckDB: a Parquet file holds a record unless it has 0 bytes (its footer is not read here:
    a truncated file is for its reader to name), a text file over 64 KB does too; the smaller
    text files are read for a line that is not blank (a CSV file's first one is its header).
-#}
{% macro duckdb__landing_files_hold_a_record(contract, files) %}
    {%- set sizes -%}
        select filename, size from read_blob({{ duckdb__landing_file_list(files) }})
    {%- endset -%}
    {%- set small = [] -%}
    {%- for filename, size in run_query(sizes).rows -%}
        {%- if size > 65536 or (size > 0 and contract.format == 'parquet') -%}
            {{ return(true) }}
        {%- elif size > 0 -%}
            {%- do small.append(filename) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not small -%}
        {{ return(false) }}
    {%- endif -%}
    {#- a file that is not UTF-8 counts as holding a record: its reader names it -#}
    {%- set records -%}
        select coalesce(sum(greatest(coalesce(len(list_filter(
            string_split(try(decode(content)), chr(10)),
            lambda line: trim(line, ' ' || chr(9) || chr(13) || chr(65279)) <> ''
        )), 2) - {{ 1 if contract.format == 'csv' else 0 }}, 0)), 0)
        from read_blob({{ duckdb__landing_file_list(small) }})
    {%- endset -%}
    {{ return(run_query(records).columns[0].values()[0] > 0) }}
{% endmacro %}
