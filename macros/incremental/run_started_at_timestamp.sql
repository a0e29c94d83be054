{#-
    When the dbt invocation started (`run_started_at`, UTC), as a timestamp literal to the
    microsecond: the same value in every model of one run, and a later one at the next run.
-#}
{% macro run_started_at_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
