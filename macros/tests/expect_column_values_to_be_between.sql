{#-
    dbt-expectations' expect_column_values_to_be_between: every value of column_name lies
    within [min_value, max_value] (open interval when strictly). Fails one row per value
    out of range; nulls are not tested.
-#}

{%- test expect_column_values_to_be_between(
    model,
    column_name,
    min_value=none,
    max_value=none,
    row_condition=none,
    strictly=false
) -%}
    {{ adapter.dispatch('test_expect_column_values_to_be_between', 'customer360')(
        model, column_name, min_value, max_value, row_condition, strictly
    ) }}
{%- endtest -%}


{%- macro default__test_expect_column_values_to_be_between(
    model, column_name, min_value, max_value, row_condition, strictly
) -%}
    {%- set expression = customer360.between_expression(
        column_name, min_value, max_value, strictly
    ) -%}
    {{ customer360.expectation_failures(model, expression, row_condition) }}
{%- endmacro -%}
