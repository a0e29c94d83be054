{#-
    dbt-expectations' expect_column_values_to_not_match_regex: no value of column_name
    contains a match of regex. Fails one row per matching value; nulls are not tested.
-#}

{%- test expect_column_values_to_not_match_regex(
    model,
    column_name,
    regex,
    row_condition=none,
    is_raw=false,
    flags=''
) -%}
    {{ adapter.dispatch('test_expect_column_values_to_not_match_regex', 'customer360')(
        model, column_name, regex, row_condition, is_raw, flags
    ) }}
{%- endtest -%}


{%- macro default__test_expect_column_values_to_not_match_regex(
    model, column_name, regex, row_condition, is_raw, flags
) -%}
    {%- set expression -%}
        not ({{ customer360.regex_match_expression(column_name, regex, is_raw, flags) }})
    {%- endset -%}
    {{ customer360.expectation_failures(model, expression, row_condition) }}
{%- endmacro -%}
