{#-
    Spark, the text formats (JSON lines, CSV): two CTEs, `lines` and `numbered_lines` (_line,
    _source_file, _line_number): the text lines of the contract's files that this model has
    not ingested yet, numbered from 1 in each file (monotonically_increasing_id follows the
    read order of a file), without a leading UTF-8 byte order mark.
-#}
{% macro spark__landing_text_lines(contract) %}
    lines as (
        select
            trim(leading decode(unhex('EFBBBF'), 'UTF-8') from value) as _line,
            {{ spark__landing_file_path() }} as _source_file,
            monotonically_increasing_id() as _scan_order
        from text.{{ quote_landing_name(contract.path) }}
    ),

    numbered_lines as (
        select
            _line,
            _source_file,
            row_number() over (partition by _source_file order by _scan_order) as _line_number
        from lines
        {%- if is_incremental() %}
        where {{ landing_file_is_new(contract, '_source_file') }}
        {%- endif %}
    )
{% endmacro %}
