{#-
    dbt-expectations' expect_column_values_to_match_regex: every value of column_name
    contains a match of regex (anchor with ^...$ for a full match). Fails one row per value
    that does not match; nulls are not tested. See regex_match_expression for is_raw and
    flags on each engine.
-#}

{%- test expect_column_values_to_match_regex(
    model,
    column_name,
    regex,
    row_condition=none,
    is_raw=false,
    flags=''
) -%}
    {{ adapter.dispatch('test_expect_column_values_to_match_regex', 'customer360')(
        model, column_name, regex, row_condition, is_raw, flags
    ) }}
{%- endtest -%}


{%- macro default__test_expect_column_values_to_match_regex(
    model, column_name, regex, row_condition, is_raw, flags
) -%}
    {%- set expression = customer360.regex_match_expression(
        column_name, regex, is_raw, flags
    ) -%}
    {{ customer360.expectation_failures(model, expression, row_condition) }}
{%- endmacro -%}
