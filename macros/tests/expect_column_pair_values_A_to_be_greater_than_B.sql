{#-
    dbt-expectations' expect_column_pair_values_A_to_be_greater_than_B: column_A > column_B
    (>= with or_equal) on every row. Fails one row per violation; a row where either
    column is null is not tested.
-#}

{%- test expect_column_pair_values_A_to_be_greater_than_B(
    model,
    column_A,
    column_B,
    or_equal=false,
    row_condition=none
) -%}
    {{ adapter.dispatch(
        'test_expect_column_pair_values_A_to_be_greater_than_B', 'customer360'
    )(model, column_A, column_B, or_equal, row_condition) }}
{%- endtest -%}


{%- macro default__test_expect_column_pair_values_A_to_be_greater_than_B(
    model, column_A, column_B, or_equal, row_condition
) -%}
    {%- set operator = '>=' if or_equal else '>' -%}
    {{ customer360.expectation_failures(
        model, column_A ~ ' ' ~ operator ~ ' ' ~ column_B, row_condition
    ) }}
{%- endmacro -%}
