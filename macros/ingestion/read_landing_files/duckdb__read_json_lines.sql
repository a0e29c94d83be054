{#-
    DuckDB, JSON lines: every non-blank line is a record; a line that is not a JSON object is
    kept whole in _rescued_data with _is_malformed; the keys of an object the contract does not
    know go to _rescued_data as JSON. A UTF-8 byte order mark (U+FEFF) at the start of a line
    and a carriage return at its end are not part of it. The keys the files' objects have are
    checked against the contract as a CSV header is (warn_missing_contract_columns: a required
    key none of them has, an optional one renamed, `firstName` for `first_name`).
-#}
{% macro duckdb__read_json_lines(contract, files) %}
    {%- set known_keys_as_nulls = '{' ~ (contract.columns.keys() | map('tojson') | map('string') | join(': null, ')) ~ ': null}' -%}
    {%- set by_encoding = duckdb__landing_files_by_encoding(files) %}
    {%- if by_encoding.not_json_lines %}
        {%- do exceptions.warn(by_encoding.not_json_lines | length ~ " landing file(s) of "
            ~ contract.name ~ " hold JSON that is not one object per line (an array, or an"
            ~ " object written over several lines): " ~ by_encoding.not_json_lines | map('tojson')
            | join(', ') ~ ". Each line is read as a record, so their records are quarantined as"
            ~ " malformed, not loaded. Export them as JSON lines, one object per line, under new"
            ~ " names (docs/landing_contract.md).") -%}
    {%- endif %}
    {%- if by_encoding.text_files %}
        {#- the keys the objects have, checked against the contract as a CSV header is -#}
        {%- do warn_missing_contract_columns(contract,
            duckdb__landing_json_keys(by_encoding.text_files, by_encoding.max_line_size),
            by_encoding.text_files) -%}
    {%- endif %}
    with lines as (
        {%- if by_encoding.text_files %}
        {{ duckdb__landing_text_lines(by_encoding.text_files, by_encoding.max_line_size) }}
        {%- endif %}
        {{- '\n        union all' if by_encoding.text_files and by_encoding.byte_files }}
        {%- if by_encoding.byte_files %}
        {{ duckdb__landing_byte_lines(by_encoding.byte_files) }}
        {%- endif %}
    ),

    parsed as (
        select
            _source_file,
            _source_row_number,
            ltrim(rtrim(_raw_line, chr(13)), chr(65279)) as _line,
            coalesce(json_valid(_line), false) and starts_with(ltrim(_line), '{') as _is_object
        from lines
        where trim(_raw_line) <> ''
    ),

    typed as (
        select
            *,
            case when _is_object then _line end as _json
        from parsed
    )

    select
        {%- for name in contract.columns %}
        json_extract_string(_json, '$."{{ name }}"') as {{ name }},
        {%- endfor %}
        case
            when not _is_object then _line
            else nullif(cast(json_merge_patch(_json, '{{ known_keys_as_nulls }}') as varchar), '{}')
        end as _rescued_data,
        not _is_object as _is_malformed,
        _source_file,
        cast(_source_row_number as bigint) as _source_row_number
    from typed
{% endmacro %}


{#-
    The files split by how they can be read: `text_files` are valid UTF-8, `byte_files` are
    not (their lines are split from their bytes); `max_line_size` is the longest line any of
    them can have (the largest file's size + 1, at least 2,000,000 bytes); `not_json_lines`
    the UTF-8 files whose text starts (after blanks and a byte order mark) with `[` or with a
    `{` alone on its line: a JSON array, or pretty-printed JSON, not JSON lines. In file name
    order.
-#}
{% macro duckdb__landing_files_by_encoding(files) %}
    {%- set checked -%}
        select
            filename,
            size,
            text is null as is_not_utf8,
            coalesce(regexp_matches(
                ltrim(text, ' ' || chr(9) || chr(10) || chr(13) || chr(65279)),
                '^(\[|\{[ \t\r]*(\n|$))'
            ), false) as is_not_json_lines
        from (
            select filename, size, try(decode(content)) as text
            from read_blob({{ duckdb__landing_file_list(files) }})
        ) as landed
        order by filename
    {%- endset -%}
    {%- set text_files, byte_files, not_json_lines, sizes = [], [], [], [2000000] -%}
    {%- for file, size, is_not_utf8, is_not_json_lines in run_query(checked).rows -%}
        {%- do (byte_files if is_not_utf8 else text_files).append(file) -%}
        {%- if is_not_json_lines %}{% do not_json_lines.append(file) %}{% endif -%}
        {%- do sizes.append(size + 1) -%}
    {%- endfor -%}
    {{ return({'text_files': text_files, 'byte_files': byte_files,
        'not_json_lines': not_json_lines, 'max_line_size': sizes | max}) }}
{% endmacro %}


{#-
    The lines of UTF-8 files, each whole, in file order: read_csv with a delimiter JSON text
    cannot contain (0x1F: control characters must be escaped inside JSON strings) and no
    quoting; its longest line is `max_line_size`, so a line of any length is read. Columns:
    _source_file, _raw_line, _source_row_number (from 1 in each file). A line is two columns,
    so a window partitioned by file numbers them for less than the join of
    duckdb__rows_numbered_in_file, which the wide CSV rows need (brz_crm__customers at scale
    1: 1.48 s against 1.77 s).
-#}
{% macro duckdb__landing_text_lines(files, max_line_size) %}
        select
            _source_file,
            _raw_line,
            _scan_row_number - min(_scan_row_number) over (partition by _source_file) + 1
                as _source_row_number
        from (
            select
                filename as _source_file,
                line as _raw_line,
                row_number() over () as _scan_row_number
            from read_csv({{ duckdb__landing_file_list(files) }},
                columns = {'line': 'VARCHAR'}, header = false,
                delim = chr(31), quote = '', escape = '', auto_detect = false,
                strict_mode = false, filename = true, max_line_size = {{ max_line_size }})
        ) as text_lines
{%- endmacro %}


{#-
    The lines of files that are not valid UTF-8, split from their bytes: a line that is valid
    UTF-8 is its text, one that is not keeps its bytes escaped as DuckDB shows a BLOB (`\xFF`),
    and becomes a malformed record. Same columns as duckdb__landing_text_lines.
-#}
{% macro duckdb__landing_byte_lines(files) %}
        select
            _source_file,
            coalesce(try(decode(cast(_escaped_line as blob))), _escaped_line) as _raw_line,
            _source_row_number
        from (
            select
                filename as _source_file,
                unnest(string_split(cast(content as varchar), '\x0A')) as _escaped_line,
                generate_subscripts(string_split(cast(content as varchar), '\x0A'), 1)
                    as _source_row_number
            from read_blob({{ duckdb__landing_file_list(files) }})
        ) as byte_lines
{%- endmacro %}
