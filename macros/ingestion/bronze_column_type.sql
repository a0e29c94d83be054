{#- Text formats land as strings (typed in silver); Parquet keeps its own types. -#}
{% macro bronze_column_type(contract, data_type) %}
    {%- if contract.format == 'parquet' -%}
        {{ data_type }}
    {%- else -%}
        {{ dbt.type_string() }}
    {%- endif -%}
{% endmacro %}
