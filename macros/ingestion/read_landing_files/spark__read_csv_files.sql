{#-
    Spark, CSV with a header row, which may differ between files (schema drift): every data
    line is read with the header of its own file, so columns match by name; a contract column
    a file lacks is null, a column the contract lacks goes to _rescued_data, and so do the
    fields of a row longer than its header (`_field_<position>`, as on DuckDB). A quote inside
    a quoted field is doubled (RFC 4180, as DuckDB reads it), not backslash-escaped (Spark's
    default): `"Notebook ""Limited"""` is `Notebook "Limited"`. A quoted field may hold a line
    break (RFC 4180): a text line continues the record before it while a quoted field opened
    on an earlier line is not closed, and the record's lines are joined again with the break
    (`\n`, a CRLF file's `\r` dropped); records are numbered in their file, as on DuckDB. A
    record is malformed when its lines after the first hold, before any quote, half as many
    commas as the header or more: a quote not closed where its value ends (`,"lukas`) joined
    the rows after it into it.
-#}
{% macro spark__read_csv_files(contract) %}
    {%- set fields = spark__csv_line_fields(contract) -%}
    {%- set line_schema = fields | join(' string, ') ~ ' string' -%}
    with {{ spark__landing_text_lines(contract) }},

    -- a line ends inside a quoted field when it opens one it does not close (escaped quotes
    -- `""` aside), and a line inside one closes it at a quote before a comma or its end; a
    -- quote within an unquoted field (`27" screen`) is a character, as DuckDB reads it
    quoted_lines as (
        select
            *,
            regexp_replace(_line, '""', '') rlike '(^|,)"[^"]*$' as _opens_field,
            regexp_replace(_line, '""', '') rlike '"(,|$)' as _closes_field
        from numbered_lines
    ),

    -- the last line before each one that opened a quoted field, and the last that closed one
    field_bounds as (
        select
            *,
            max(case when _opens_field then _line_number end) over earlier_lines as _last_opened,
            max(case when _closes_field and not _opens_field then _line_number end)
                over earlier_lines as _last_closed
        from quoted_lines
        window earlier_lines as (
            partition by _source_file order by _line_number
            rows between unbounded preceding and 1 preceding
        )
    ),

    record_lines as (
        select
            *,
            sum(case when _last_opened is null or _last_closed > _last_opened then 1 else 0 end)
                over (
                    partition by _source_file order by _line_number
                    rows between unbounded preceding and current row
                ) as _record_number
        from field_bounds
    ),

    record_line_lists as (
        select
            transform(
                array_sort(collect_list(struct(_line_number, _line))), line -> line._line
            ) as _lines,
            _source_file,
            _record_number as _line_number
        from record_lines
        group by _source_file, _record_number
    ),

    records as (
        select
            concat_ws('\n', _lines) as _line,
            slice(_lines, 2, greatest(size(_lines) - 1, 1)) as _continued_lines,
            _source_file,
            _line_number
        from record_line_lists
    ),

    with_header as (
        select
            *,
            first_value(_line) over (partition by _source_file order by _line_number) as _header
        from records
    ),

    split_lines as (
        select
            from_csv(_header, '{{ line_schema }}', map('escape', '"')) as _names,
            from_csv(_line, '{{ line_schema }}', map('escape', '"')) as _values,
            -- the lines after the first hold, before any quote, half a record's commas or
            -- more: a quote not closed where its value ends joined the rows after it into
            -- this record (as on DuckDB); a quoted line break in a value is followed by few
            size(_continued_lines) > 0
            and 2 * (size(split(concat_ws('\n', transform(
                _continued_lines, line -> regexp_extract(line, '^[^"]*', 0)
            )), ',')) - 1) >= size(split(_header, ',')) - 1 as _is_malformed,
            _source_file,
            _line_number - 1 as _row_number
        from with_header
        -- a line of commas alone (a spreadsheet's empty rows) holds nothing: a blank line
        where _line_number > 1 and trim(translate(_line, ',"', '')) <> ''
    ),

    parsed as (
        select
            map_from_entries(filter(
                array(
                    {%- for field in fields %}
                    named_struct(
                        'name', coalesce(
                            trim(_names.{{ field }}),
                            case when _values.{{ field }} is not null then '_{{ field }}' end
                        ),
                        'value', _values.{{ field }}
                    ){{ ',' if not loop.last }}
                    {%- endfor %}
                ),
                field -> field.name is not null
            )) as _fields,
            _is_malformed,
            _source_file,
            _row_number
        from split_lines
    )

    select
        {%- for name in contract.columns %}
        _fields['{{ name }}'] as {{ name }},
        {%- endfor %}
        {{ spark__unknown_fields_as_json(contract, '_fields') }} as _rescued_data,
        _is_malformed,
        _source_file,
        cast(_row_number as bigint) as _source_row_number
    from parsed
{% endmacro %}


{#-
    The fields a CSV line of the contract's files is split into: `field_1` .. `field_<n>`, n
    the number of fields of the widest line (its commas counted, so never too few; a query on
    the files), at least the number of contract columns.
-#}
{% macro spark__csv_line_fields(contract) %}
    {%- set widest = run_query(
        "select max(size(split(value, ','))) from text." ~ quote_landing_name(contract.path)
    ).columns[0].values()[0] -%}
    {%- set fields = [] -%}
    {%- for position in range(1, [contract.columns | length, widest or 0] | max + 1) -%}
        {%- do fields.append('field_' ~ position) -%}
    {%- endfor -%}
    {{ return(fields) }}
{% endmacro %}
