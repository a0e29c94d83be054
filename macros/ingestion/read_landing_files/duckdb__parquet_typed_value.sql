{#-
    DuckDB: a Parquet column `name` of the contract cast to its contract type (try_cast: null
    when the type cannot hold the value, which duckdb__parquet_rescued_data then rescues). A
    floating-point value for an integer column (`floating`: the files' DOUBLE and FLOAT
    columns) is held only when it is a whole number: 4.5 stars is no integer, and a cast would
    round it (to 4) with no word.
-#}
{% macro duckdb__parquet_typed_value(contract, name, floating) -%}
    {%- set column = quote_landing_name(name) -%}
    {%- set data_type = bronze_column_type(contract, contract.columns[name]) | trim -%}
    {%- if name in floating and data_type | lower in ['integer', 'int', 'bigint', 'smallint', 'tinyint'] -%}
        case when {{ column }} = floor({{ column }}) then {{ dbt.safe_cast(column, data_type) }} end
    {%- else -%}
        {{ dbt.safe_cast(column, data_type) }}
    {%- endif -%}
{%- endmacro %}
