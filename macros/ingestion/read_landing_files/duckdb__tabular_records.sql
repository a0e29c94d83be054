{#-
    DuckDB: the records of one CSV or Parquet `reader` (a table function call) whose columns
    are `present`: the contract columns cast to their bronze type (null when the files lack
    them; Parquet's typed columns with dbt.safe_cast: try_cast, a timestamp's UTC offset
    applied; duckdb__parquet_typed_columns), the other
    columns as JSON in _rescued_data (duckdb__csv_rescued_data, duckdb__parquet_rescued_data),
    and each record's row in its file (CSV: duckdb__rows_numbered_in_file; Parquet: the
    reader's file_row_number). `spare`: the CSV columns read for the fields of ragged rows.
-#}
{% macro duckdb__tabular_records(contract, reader, present, spare=[]) %}
    {%- set extra = present | reject('in', contract.columns.keys() | list)
        | reject('in', ['filename', 'file_row_number']) | list -%}
    {%- set typed = duckdb__parquet_typed_columns(contract, present) if contract.format == 'parquet' else [] %}
    select
        {%- for name, data_type in contract.columns.items() %}
        {%- if name in typed %}
        {{ dbt.safe_cast(quote_landing_name(name), bronze_column_type(contract, data_type)) }} as {{ name }},
        {%- elif name in present %}
        cast({{ quote_landing_name(name) }} as {{ bronze_column_type(contract, data_type) }}) as {{ name }},
        {%- else %}
        cast(null as {{ bronze_column_type(contract, data_type) }}) as {{ name }},
        {%- endif %}
        {%- endfor %}
        {%- if contract.format == 'parquet' and (extra or typed) %}
        {{ duckdb__parquet_rescued_data(contract, extra, typed) }} as _rescued_data,
        {%- elif extra %}
        {{ duckdb__csv_rescued_data(extra, spare) }} as _rescued_data,
        {%- else %}
        cast(null as varchar) as _rescued_data,
        {%- endif %}
        false as _is_malformed,
        filename as _source_file,
        {%- if contract.format == 'csv' %}
        cast(_file_row_number as bigint) as _source_row_number
    from {{ duckdb__rows_numbered_in_file(reader) }} as scanned
        {%- else %}
        cast(file_row_number + 1 as bigint) as _source_row_number
    from {{ reader }} as scanned
        {%- endif %}
{% endmacro %}
