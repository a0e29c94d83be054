{#-
    DuckDB, Parquet: columns matched by name (duckdb__tabular_records), in the contract types
    (a floating-point column read into a text one as whole_number_text: `1000942`).
    Files are read together in groups of the same schema: read together, files whose column
    types differ would be cast to one type, which fails (BIGINT and TIMESTAMP).
-#}
{% macro duckdb__read_parquet_files(contract, files) %}
    {%- for group_files in duckdb__parquet_schema_groups(files) %}
        {%- set reader -%}
            read_parquet({{ duckdb__landing_file_list(group_files) }}, union_by_name = true, filename = true, file_row_number = true)
        {%- endset -%}
        {%- set described = run_query('describe select * from ' ~ reader) -%}
        {%- do warn_missing_contract_columns(contract, described.columns[0].values() | list, group_files) -%}
        {%- set floating = [] -%}
        {%- for row in described.rows if row[1] in ('DOUBLE', 'FLOAT') -%}
            {%- do floating.append(row[0]) -%}
        {%- endfor -%}
        {{ duckdb__tabular_records(contract, reader, described.columns[0].values() | list, floating=floating) }}
        {{ 'union all' if not loop.last }}
    {%- endfor %}
{% endmacro %}


{#-
    The Parquet files grouped by schema (the names and types of their leaf columns, from their
    footers), in file name order: a list of lists of files.
-#}
{% macro duckdb__parquet_schema_groups(files) %}
    {%- set schemas -%}
        select
            file_name,
            string_agg(concat_ws(' ', name, type, converted_type, cast(logical_type as varchar)), ', '
                order by name) as signature
        from parquet_schema({{ duckdb__landing_file_list(files) }})
        where coalesce(num_children, 0) = 0
        group by file_name
        order by file_name
    {%- endset -%}
    {%- set groups = {} -%}
    {%- for file_name, signature in run_query(schemas).rows -%}
        {%- do groups.setdefault(signature, []).append(file_name) -%}
    {%- endfor -%}
    {{ return(groups.values() | list) }}
{% endmacro %}


{#-
    The contract columns of a Parquet read that are `present` and typed (not strings): their
    values are cast with dbt.safe_cast (try_cast), a value the type cannot hold being rescued.
-#}
{% macro duckdb__parquet_typed_columns(contract, present) %}
    {%- set typed = [] -%}
    {%- for name, data_type in contract.columns.items()
        if name in present and (bronze_column_type(contract, data_type) | trim | lower) not in ['string', 'varchar'] -%}
        {%- do typed.append(name) -%}
    {%- endfor -%}
    {{ return(typed) }}
{% endmacro %}


{#-
    The _rescued_data of a Parquet record: the `extra` columns (not in the contract) and the
    values of the `typed` columns that their contract type cannot hold (a string `yesterday`
    or an int64 for a timestamp, `five` or 4.5 for an integer: duckdb__parquet_typed_value;
    `floating`, the files' floating-point columns), as text, in a JSON object without
    null values; null when that object is empty. The object is built only for the records
    that have such a value (a cheap test first): building and merging a JSON object for every
    record cost about 0.5 s of brz_web__events' 9.5 s at scale 1 (6.4M records, all clean).
-#}
{% macro duckdb__parquet_rescued_data(contract, extra, typed, floating=[]) -%}
    {#- per column, the condition of a value to rescue: an extra column's value, a typed
        column's value that its contract type cannot hold -#}
    {%- set rescued_when = {} %}
    {%- for name in extra %}
        {%- do rescued_when.update({name: quote_landing_name(name) ~ ' is not null'}) %}
    {%- endfor %}
    {%- for name in typed %}
        {%- do rescued_when.update({name: '(' ~ quote_landing_name(name) ~ ' is not null and '
            ~ duckdb__parquet_typed_value(contract, name, floating) ~ ' is null)'}) %}
    {%- endfor %}
        case
            when {{ rescued_when.values() | join(' or ') }}
                then nullif(cast(json_merge_patch('{}', json_object(
            {%- for name in extra %}
                {{ sql_literal(name) }}, {{ quote_landing_name(name) }}{{ ',' if typed or not loop.last }}
            {%- endfor %}
            {%- for name in typed %}
                {{ sql_literal(name) }}, case when {{ rescued_when[name] }} then cast({{ quote_landing_name(name) }} as varchar) end
                {{- ',' if not loop.last }}
            {%- endfor %}
                )) as varchar), '{}')
        end
{%- endmacro %}
