{#-
    Zero rows in the shape a bronze model has, for a run with no new landing file
    (and for the first run on an empty landing folder).
-#}
{% macro empty_landing_batch(contract) %}
    select
        {%- for name, data_type in contract.columns.items() %}
        cast(null as {{ bronze_column_type(contract, data_type) }}) as {{ name }},
        {%- endfor %}
        cast(null as {{ dbt.type_string() }}) as _rescued_data,
        cast(null as boolean) as _is_malformed,
        cast(null as {{ dbt.type_string() }}) as _source_file,
        cast(null as {{ dbt.type_bigint() }}) as _source_row_number
    where 1 = 0
{% endmacro %}
