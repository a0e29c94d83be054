{#-
    dbt_utils' expression_is_true: expression holds on every row (with column_name, the
    expression is written after the column: column_name: amount, expression: ">= 0").
    Filter rows with the test's where config. Fails one row per row where the expression
    is false; a null expression is not a failure.
-#}

{%- test expression_is_true(model, expression, column_name=none) -%}
    {{ adapter.dispatch('test_expression_is_true', 'customer360')(
        model, expression, column_name
    ) }}
{%- endtest -%}


{%- macro default__test_expression_is_true(model, expression, column_name) -%}
    {%- set full_expression = (column_name ~ ' ' if column_name is not none else '')
        ~ expression -%}
    {{ customer360.expectation_failures(model, full_expression) }}
{%- endmacro -%}
