{#- Var `reporting_time_zone` as a string column, named after it: the zone a row's days are in -#}
{% macro reporting_time_zone_column() -%}
    cast({{ customer360.sql_literal(customer360.reporting_time_zone()) }} as {{ dbt.type_string() }})
        as reporting_time_zone
{%- endmacro %}
