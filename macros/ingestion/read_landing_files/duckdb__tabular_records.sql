{#-
    DuckDB: the records of one CSV or Parquet `reader` (a table function call) whose columns
    are `present`: the contract columns cast to their bronze type (null when the files lack
    them; Parquet's typed columns with dbt.safe_cast: try_cast, a timestamp's UTC offset
    applied; duckdb__parquet_typed_columns), the other
    columns as JSON in _rescued_data (duckdb__csv_rescued_data, duckdb__parquet_rescued_data),
    and each record's row in its file (CSV: duckdb__rows_numbered_in_file; Parquet: the
    reader's file_row_number). `spare`: the CSV columns read for the fields of ragged rows;
    `floating`: the Parquet columns of a floating-point type (a text contract column among
    them is read as whole_number_text).
    A CSV record is malformed when a value of it holds lines that read as records
    (duckdb__value_holds_records; `width`: the header's columns).
-#}
{% macro duckdb__tabular_records(contract, reader, present, spare=[], width=none, floating=[]) %}
    {%- set extra = present | reject('in', contract.columns.keys() | list)
        | reject('in', ['filename', 'file_row_number']) | list -%}
    {%- set typed = duckdb__parquet_typed_columns(contract, present) if contract.format == 'parquet' else [] %}
    select
        {%- for name, data_type in contract.columns.items() %}
        {%- if name in typed %}
        {{ duckdb__parquet_typed_value(contract, name, floating) }} as {{ name }},
        {%- elif name in floating %}
        {{ whole_number_text(quote_landing_name(name)) }} as {{ name }},
        {%- elif name in present %}
        cast({{ quote_landing_name(name) }} as {{ bronze_column_type(contract, data_type) }}) as {{ name }},
        {%- else %}
        cast(null as {{ bronze_column_type(contract, data_type) }}) as {{ name }},
        {%- endif %}
        {%- endfor %}
        {%- if contract.format == 'parquet' and (extra or typed) %}
        {{ duckdb__parquet_rescued_data(contract, extra, typed, floating) }} as _rescued_data,
        {%- elif extra %}
        {{ duckdb__csv_rescued_data(extra, spare) }} as _rescued_data,
        {%- else %}
        cast(null as varchar) as _rescued_data,
        {%- endif %}
        {%- if contract.format == 'csv' %}
        ({% for name in present | reject('in', ['filename']) %}{{ duckdb__value_holds_records(quote_landing_name(name), width) }}{{ ' or ' if not loop.last }}{% endfor %}) as _is_malformed,
        {%- else %}
        false as _is_malformed,
        {%- endif %}
        filename as _source_file,
        {%- if contract.format == 'csv' %}
        cast(_file_row_number as bigint) as _source_row_number
    from {{ duckdb__rows_numbered_in_file(reader) }} as scanned
    {# a row of commas alone (a spreadsheet's empty rows) holds nothing: a blank line #}
    where coalesce({% for name in present | reject('in', ['filename']) %}{{ quote_landing_name(name) }}{{ ', ' if not loop.last }}{% endfor %}) is not null
        {%- else %}
        cast(file_row_number + 1 as bigint) as _source_row_number
    from {{ reader }} as scanned
        {%- endif %}
{% endmacro %}


{#-
    Whether the CSV value `column` holds, after its first line break, at least half as many
    commas as a record of the file has (`width`, the header's columns): a quote that was not
    closed where its value ends (`"jo"hn@x.com"`, or `"lukas` alone) makes DuckDB read the
    lines after it, rows of the file, into that one value, until the next quote (which may
    cut the last row short, hence half). A quoted line break in a value (an address, a note)
    is followed by few commas, if any.
-#}
{% macro duckdb__value_holds_records(column, width) -%}
    {#- a case, so that only values with a line break are counted: 0.2 s against 0.7 s for
        the 1.5M order lines at scale 1, where the cheap test and the count were both run -#}
    case
        when contains({{ column }}, chr(10))
            then 2 * (length(substr({{ column }}, strpos({{ column }}, chr(10))))
                - length(replace(substr({{ column }}, strpos({{ column }}, chr(10))), ',', '')))
            >= {{ (width or 1) - 1 }}
        else false
    end
{%- endmacro %}


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
