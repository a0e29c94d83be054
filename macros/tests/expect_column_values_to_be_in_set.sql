{#-
    dbt-expectations' expect_column_values_to_be_in_set: every value of column_name is one
    of value_set. Fails one row per value outside the set. As in dbt-expectations (whose
    left join finds no partner for a null), a null value fails: exclude nulls with
    row_condition: "<column> is not null" when they are allowed. quote_values: false puts
    the values into the SQL as they are written (numbers, expressions).
-#}

{%- test expect_column_values_to_be_in_set(
    model,
    column_name,
    value_set,
    quote_values=true,
    row_condition=none
) -%}
    {{ adapter.dispatch('test_expect_column_values_to_be_in_set', 'customer360')(
        model, column_name, value_set, quote_values, row_condition
    ) }}
{%- endtest -%}


{%- macro default__test_expect_column_values_to_be_in_set(
    model, column_name, value_set, quote_values, row_condition
) -%}
    {%- if value_set is string or value_set | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "expect_column_values_to_be_in_set: value_set must be a non-empty list."
        ) }}
    {%- endif -%}
    {%- set values = [] -%}
    {%- for value in value_set -%}
        {%- if quote_values -%}
            {%- do values.append("'" ~ dbt.escape_single_quotes(value | string) ~ "'") -%}
        {%- else -%}
            {%- do values.append(value | string) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set expression -%}
        coalesce({{ column_name }} in ({{ values | join(', ') }}), false)
    {%- endset -%}
    {{ customer360.expectation_failures(model, expression, row_condition) }}
{%- endmacro -%}
