{#-
    dbt-expectations' expect_row_values_to_have_recent_data: the latest value of column_name
    (a date or timestamp, among the rows row_condition keeps) is no older than interval
    datepart units before now. Values in the future are ignored, and when no row is left
    the latest value counts as 1970-01-01, so an empty table fails. Fails with one row (the
    latest value found) when the data is stale. Dates and intervals go through dbt.dateadd
    and dbt.current_timestamp; compare in UTC (the DuckDB profile sets timezone UTC).
-#}

{%- test expect_row_values_to_have_recent_data(
    model,
    column_name,
    datepart,
    interval,
    row_condition=none
) -%}
    {{ adapter.dispatch('test_expect_row_values_to_have_recent_data', 'customer360')(
        model, column_name, datepart, interval, row_condition
    ) }}
{%- endtest -%}


{%- macro default__test_expect_row_values_to_have_recent_data(
    model, column_name, datepart, interval, row_condition
) -%}
    {%- set now = 'cast(' ~ dbt.current_timestamp() ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}
with

candidate_values as (

    select cast({{ column_name }} as {{ dbt.type_timestamp() }}) as value_at
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}

),

latest_value as (

    select max(value_at) as latest_value_at
    from candidate_values
    -- values in the future are errors of another kind: they must not hide stale data
    where value_at <= {{ now }}

),

stale as (

    select
        latest_value_at,
        cast({{ dbt.dateadd(datepart, '-1 * (' ~ interval ~ ')', now) }}
            as {{ dbt.type_timestamp() }}) as oldest_accepted_at
    from latest_value

)

select *
from stale
where
    coalesce(latest_value_at, cast('1970-01-01' as {{ dbt.type_timestamp() }}))
    < oldest_accepted_at
{%- endmacro -%}
