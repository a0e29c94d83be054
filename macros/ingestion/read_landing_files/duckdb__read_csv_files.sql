{#-
    DuckDB, CSV: columns matched by name (duckdb__tabular_records), in groups of files of one
    header read with the dialect given (union_by_name would sniff every file, twice); a long
    row's extra fields go to _rescued_data. One thread per file (parallel = false): DuckDB's
    parallel reader refuses a quoted line break beside null_padding; as fast at scale 1.
-#}
{% macro duckdb__read_csv_files(contract, files) %}
    {%- for group in duckdb__csv_header_groups(files) %}
        {%- do warn_missing_contract_columns(contract, group.names, group.files) -%}
        {%- set columns = group.names + group.spare -%}
        {%- set reader -%}
            read_csv({{ duckdb__landing_file_list(group.files) }}, header = true, auto_detect = false,
                delim = ',', quote = '"', escape = '"', null_padding = true, strict_mode = false,
                filename = true, parallel = false,
                {%- if group.max_line_size %} max_line_size = {{ group.max_line_size }},{% endif %} columns = {
                {%- for name in columns %}{{ sql_literal(name) }}: 'VARCHAR'{{ ', ' if not loop.last }}{% endfor -%}
            })
        {%- endset %}
        {{ duckdb__tabular_records(contract, reader, columns, group.spare + group.unnamed, group.names | length) }}
        {{ 'union all' if not loop.last }}
    {%- endfor %}
{% endmacro %}


{#-
    The CSV files grouped by their header row, in file name order, each group a dict: `files`,
    `names` (the header's column names), `spare` (`_field_<position>` for each field a ragged
    row of the group can have beyond its header, counting the fields of the widest line by its
    commas, so never too few) and `unnamed` (the header's columns read as `_field_<position>`,
    below); both go to _rescued_data only when they hold a value; `max_line_size`, for a group
    with a line near read_csv's limit (2,000,000 bytes), its largest such file's size + 1.
    The header is split as CSV: a quoted name keeps its commas and its doubled quotes
    (`"ref, internal"`, `"note ""x"""`), an unquoted one is trimmed, and a UTF-8 byte order
    mark before it is not part of the first name. A column without a name (a trailing comma),
    or with the name of an earlier one (names match whatever their case, as in SQL), is read
    as `_field_<position>` (a warning names the repeated ones). A file that is not UTF-8 (or
    is UTF-16 without a byte order mark, which decodes as text with a NUL beside every
    character) stops the build with a sentence naming it: the contract's encoding is UTF-8,
    and no column can be read from it; a few stray NUL bytes are named and read. A file whose last row ends without a line break (cut off: an export or a
    copy that stopped) is named in a warning, with the row's fields if fewer than the header's;
    a header line further down, in a warning, or a stop when its columns are in another order
    (duckdb__check_repeated_csv_headers).
-#}
{% macro duckdb__csv_header_groups(files) %}
    {%- set headers -%}
        with landed as (
            select filename, size, try(decode(content)) as text
            from read_blob({{ duckdb__landing_file_list(files) }})
        ),

        -- a file whose lines end in a carriage return alone (an old Mac export) is split on it
        lines as (
            select
                filename, size, text,
                string_split(text, if(contains(text, chr(10)), chr(10), chr(13))) as lines
            from landed
        ),

        headed as (
            select *, ltrim(rtrim(lines[1], chr(13)), chr(65279)) as header
            from lines
        )

        select
            filename,
            -- UTF-16 is valid UTF-8 with a NUL before or after every ASCII character; a few
            -- NUL bytes in UTF-8 text are stray bytes, named with their first line
            text is null
            or length(text) - length(replace(text, chr(0), '')) >= length(text) / 4 as is_not_utf8,
            case
                when strpos(text, chr(0)) > 0
                    then length(string_split(substr(text, 1, strpos(text, chr(0))), chr(10)))
            end as first_nul_line,
            size,
            list_max(list_transform(lines, lambda line: strlen(line))) as longest_line,
            header,
            list_max(list_transform(lines,
                lambda line: length(line) - length(replace(line, ',', '')) + 1)) as widest,
            case
                when length(lines) > 1 and trim(lines[-1]) <> ''
                    then length(lines[-1]) - length(replace(lines[-1], ',', '')) + 1
            end as unterminated_fields,
            {{ duckdb__repeated_csv_headers('lines', 'header',
                duckdb__may_repeat_csv_header('text', 'lines', 'header')) }} as repeated_headers
        from headed
        order by filename
    {%- endset -%}
    {%- set files_by_header, widths, not_utf8, unterminated, line_sizes, repeated = {}, {}, [], [], {}, [] -%}
    {%- set with_nul = [] -%}
    {%- for filename, is_not_utf8, first_nul_line, size, longest_line, header, widest, unterminated_fields, repeated_lines in run_query(headers).rows -%}
        {%- if repeated_lines %}{% do repeated.append([filename, repeated_lines]) %}{% endif -%}
        {%- if first_nul_line and not is_not_utf8 -%}
            {%- do with_nul.append(filename | tojson ~ " (line " ~ first_nul_line ~ ")") -%}
        {%- endif -%}
        {%- if is_not_utf8 -%}
            {%- do not_utf8.append(filename) -%}
        {%- else -%}
            {%- do files_by_header.setdefault(header, []).append(filename) -%}
            {%- do widths.update({header: [widths.get(header, 0), widest or 0] | max}) -%}
            {%- if (longest_line or 0) + 2 >= 2000000 -%}
                {%- do line_sizes.update({header: [line_sizes.get(header, 0), size + 1] | max}) -%}
            {%- endif -%}
            {%- if unterminated_fields is not none -%}
                {%- do unterminated.append([filename, header, unterminated_fields]) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not_utf8 -%}
        {{ exceptions.raise_compiler_error(
            "Landing file(s) not in UTF-8, the landing contract's encoding: "
            ~ not_utf8 | map('tojson') | join(', ') ~ ". Export them again as UTF-8, or move them"
            ~ " out of the landing root, then build (docs/landing_contract.md).") }}
    {%- endif -%}
    {%- if with_nul -%}
        {%- do exceptions.warn("Landing file(s) in UTF-8 hold a NUL byte, which is no text: "
            ~ with_nul | join(', ') ~ ". It is read as part of its value; compare the file"
            ~ " with its source.") -%}
    {%- endif -%}
    {%- do duckdb__check_repeated_csv_headers(repeated) -%}
    {%- set groups, name_counts = [], {} -%}
    {%- for header, header_files in files_by_header.items() -%}
        {%- set names, seen, repeated, unnamed = [], [], [], [] -%}
        {%- for quoted, plain in modules.re.findall('(?:^|,)[ \t]*(?:"((?:[^"]|"")*)"|([^,]*))', header) -%}
            {%- set name = quoted | replace('""', '"') if quoted else plain | trim -%}
            {%- if name == '' or name | lower in seen -%}
                {%- if name != '' %}{% do repeated.append(name) %}{% endif -%}
                {%- set name = '_field_' ~ loop.index -%}
                {%- do unnamed.append(name) -%}
            {%- endif -%}
            {%- do seen.append(name | lower) -%}
            {%- do names.append(name) -%}
        {%- endfor -%}
        {%- if repeated -%}
            {%- do exceptions.warn(header_files | length ~ " landing file(s) ("
                ~ header_files[0] | tojson ~ ", ...) name the column(s) " ~ repeated | map('tojson') | join(', ')
                ~ " more than once in their header: the first is read, the later ones go to"
                ~ " _rescued_data as _field_<position>.") -%}
        {%- endif -%}
        {%- set spare = [] -%}
        {%- for position in range(names | length + 1, widths[header] + 1) -%}
            {%- do spare.append('_field_' ~ position) -%}
        {%- endfor -%}
        {%- do groups.append({'files': header_files, 'names': names, 'spare': spare,
            'unnamed': unnamed, 'max_line_size': line_sizes.get(header)}) -%}
        {%- do name_counts.update({header: names | length}) -%}
    {%- endfor -%}
    {%- do duckdb__warn_unterminated_csv_files(unterminated, name_counts) -%}
    {{ return(groups) }}
{% endmacro %}
