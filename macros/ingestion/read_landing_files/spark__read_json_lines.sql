{#-
    Spark, JSON lines: every non-blank line is a record, its fields read as strings; a line
    that is not a JSON object is kept whole in _rescued_data with _is_malformed; the keys the
    contract does not know go to _rescued_data as JSON.
-#}
{% macro spark__read_json_lines(contract) %}
    with {{ spark__landing_text_lines(contract) }},

    parsed as (
        select
            *,
            from_json(_line, 'map<string, string>') as _fields
        from numbered_lines
        where trim(_line) <> ''
    )

    select
        {%- for name in contract.columns %}
        _fields['{{ name }}'] as {{ name }},
        {%- endfor %}
        case
            when _fields is null then _line
            else {{ spark__unknown_fields_as_json(contract, '_fields') }}
        end as _rescued_data,
        _fields is null as _is_malformed,
        _source_file,
        cast(_line_number as bigint) as _source_row_number
    from parsed
{% endmacro %}
