{#-
    Spark, CSV with a header row, which may differ between files (schema drift): every data
    line is read with the header of its own file, so columns match by name; a contract column
    a file lacks is null, a column the contract lacks goes to _rescued_data, and so do the
    fields of a row longer than its header (`_field_<position>`, as on DuckDB). A quote inside
    a quoted field is doubled (RFC 4180, as DuckDB reads it), not backslash-escaped (Spark's
    default): `"Notebook ""Limited"""` is `Notebook "Limited"`.
-#}
{% macro spark__read_csv_files(contract) %}
    {%- set fields = spark__csv_line_fields(contract) -%}
    {%- set line_schema = fields | join(' string, ') ~ ' string' -%}
    with {{ spark__landing_text_lines(contract) }},

    with_header as (
        select
            *,
            first_value(_line) over (partition by _source_file order by _line_number) as _header
        from numbered_lines
    ),

    split_lines as (
        select
            from_csv(_header, '{{ line_schema }}', map('escape', '"')) as _names,
            from_csv(_line, '{{ line_schema }}', map('escape', '"')) as _values,
            _source_file,
            _line_number - 1 as _row_number
        from with_header
        where _line_number > 1 and trim(_line) <> ''
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
            _source_file,
            _row_number
        from split_lines
    )

    select
        {%- for name in contract.columns %}
        _fields['{{ name }}'] as {{ name }},
        {%- endfor %}
        {{ spark__unknown_fields_as_json(contract, '_fields') }} as _rescued_data,
        false as _is_malformed,
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
