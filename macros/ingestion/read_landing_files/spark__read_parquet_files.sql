{#-
    Spark, Parquet: Spark's reader (files with different columns are merged by name:
    spark.sql.parquet.mergeSchema, set on the spark target); the contract columns in the
    contract types (a floating-point column read into a text one as whole_number_text:
    `1000942`), null when the files lack them; the other columns as JSON in
    _rescued_data, when one has a value.
-#}
{% macro spark__read_parquet_files(contract) %}
    {%- set described = run_query('describe query select * from parquet.' ~ quote_landing_name(contract.path)) -%}
    {%- set present = described.columns[0].values() | list -%}
    {%- set floating = [] -%}
    {%- for row in described.rows if row[1] in ('double', 'float') -%}
        {%- do floating.append(row[0]) -%}
    {%- endfor -%}
    {%- set extra = present | reject('in', contract.columns.keys() | list) | list -%}
    with records as (
        select
            *,
            {{ spark__landing_file_path() }} as _source_file,
            _metadata.row_index + 1 as _row_number
        from parquet.{{ quote_landing_name(contract.path) }}
    )

    select
        {%- for name, data_type in contract.columns.items() %}
        {%- if name in floating and data_type == 'string' %}
        {{ whole_number_text(quote_landing_name(name)) }} as {{ name }},
        {%- elif name in present %}
        cast({{ quote_landing_name(name) }} as {{ data_type }}) as {{ name }},
        {%- else %}
        cast(null as {{ data_type }}) as {{ name }},
        {%- endif %}
        {%- endfor %}
        {%- if extra %}
        case
            when {% for name in extra %}{{ quote_landing_name(name) }} is not null{{ ' or ' if not loop.last }}{% endfor %}
                then to_json(named_struct({% for name in extra %}{{ sql_literal(name) }}, {{ quote_landing_name(name) }}{{ ', ' if not loop.last }}{% endfor %}))
        end as _rescued_data,
        {%- else %}
        cast(null as string) as _rescued_data,
        {%- endif %}
        false as _is_malformed,
        _source_file,
        cast(_row_number as bigint) as _source_row_number
    from records
    {%- if is_incremental() %}
    where {{ landing_file_is_new(contract, '_source_file') }}
    {%- endif %}
{% endmacro %}
