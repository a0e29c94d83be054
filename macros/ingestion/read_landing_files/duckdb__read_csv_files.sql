{#-
    DuckDB, CSV: columns matched by name (duckdb__tabular_records). The files are read in
    groups of the same header, each with the dialect given, so that DuckDB does not sniff every
    file (union_by_name would, twice). A row with more fields than its header keeps the extra
    ones in _rescued_data (`_field_<position>`).
-#}
{% macro duckdb__read_csv_files(contract, files) %}
    {%- for group in duckdb__csv_header_groups(files) %}
        {%- set columns = group.names + group.spare -%}
        {%- set reader -%}
            read_csv({{ duckdb__landing_file_list(group.files) }}, header = true, auto_detect = false,
                delim = ',', quote = '"', escape = '"', null_padding = true, strict_mode = false,
                filename = true, columns = {
                {%- for name in columns %}{{ sql_literal(name) }}: 'VARCHAR'{{ ', ' if not loop.last }}{% endfor -%}
            })
        {%- endset %}
        {{ duckdb__tabular_records(contract, reader, columns, group.spare) }}
        {{ 'union all' if not loop.last }}
    {%- endfor %}
{% endmacro %}


{#-
    The CSV files grouped by their header row, in file name order, each group a dict: `files`,
    `names` (the header's column names, trimmed, without double quotes; a UTF-8 byte order
    mark before the header is not part of the first) and `spare` (`_field_<position>` for each
    field a ragged row of the group can have beyond its header, counting the fields of the
    widest line by its commas, so never too few).
-#}
{% macro duckdb__csv_header_groups(files) %}
    {%- set headers -%}
        select
            filename,
            ltrim(rtrim(split_part(content, chr(10), 1), chr(13)), chr(65279)) as header,
            list_max(list_transform(string_split(content, chr(10)),
                lambda line: length(line) - length(replace(line, ',', '')) + 1)) as widest
        from read_text({{ duckdb__landing_file_list(files) }})
        order by filename
    {%- endset -%}
    {%- set files_by_header, widths = {}, {} -%}
    {%- for filename, header, widest in run_query(headers).rows -%}
        {%- do files_by_header.setdefault(header, []).append(filename) -%}
        {%- do widths.update({header: [widths.get(header, 0), widest or 0] | max}) -%}
    {%- endfor -%}
    {%- set groups = [] -%}
    {%- for header, header_files in files_by_header.items() -%}
        {%- set names = header.split(',') | map('trim') | map('replace', '"', '') | list -%}
        {%- set spare = [] -%}
        {%- for position in range(names | length + 1, widths[header] + 1) -%}
            {%- do spare.append('_field_' ~ position) -%}
        {%- endfor -%}
        {%- do groups.append({'files': header_files, 'names': names, 'spare': spare}) -%}
    {%- endfor -%}
    {{ return(groups) }}
{% endmacro %}


{#-
    The _rescued_data of a CSV record, when one of the `extra` columns (not in the contract)
    has a value: those columns as a JSON object; of the `spare` columns (the fields of a
    ragged row) only those that hold a value.
-#}
{% macro duckdb__csv_rescued_data(extra, spare) -%}
        {%- set named = extra | reject('in', spare) | list %}
        case
            when {% for name in extra %}{{ quote_landing_name(name) }} is not null{{ ' or ' if not loop.last }}{% endfor %}
                then cast(
                    {%- if spare %}
                    json_merge_patch(
                    {%- endif %}
                    json_object({% for name in named %}{{ sql_literal(name) }}, {{ quote_landing_name(name) }}{{ ', ' if not loop.last }}{% endfor %})
                    {%- if spare %},
                    json_object({% for name in spare %}{{ sql_literal(name) }}, {{ quote_landing_name(name) }}{{ ', ' if not loop.last }}{% endfor %}))
                    {%- endif %} as varchar)
        end
{%- endmacro %}
