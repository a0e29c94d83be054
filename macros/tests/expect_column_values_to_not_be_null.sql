{#-
    dbt-expectations' expect_column_values_to_not_be_null: column_name has no null among
    the rows that row_condition keeps. Fails one row per null.
-#}

{%- test expect_column_values_to_not_be_null(model, column_name, row_condition=none) -%}
    {{ adapter.dispatch('test_expect_column_values_to_not_be_null', 'customer360')(
        model, column_name, row_condition
    ) }}
{%- endtest -%}


{%- macro default__test_expect_column_values_to_not_be_null(
    model, column_name, row_condition
) -%}
    {{ customer360.expectation_failures(
        model, column_name ~ ' is not null', row_condition
    ) }}
{%- endmacro -%}
