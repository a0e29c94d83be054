{#-
    dbt-expectations' expect_compound_columns_to_be_unique: the combination of column_list
    is unique among the rows that row_condition keeps. ignore_row_if skips rows whose
    values are all null (all_values_are_missing, the default) or that have any null
    (any_value_is_missing); otherwise nulls group together as equal values. quote_columns
    quotes the column names. Fails one row per duplicated combination, with its count.
-#}

{%- test expect_compound_columns_to_be_unique(
    model,
    column_list,
    quote_columns=false,
    ignore_row_if='all_values_are_missing',
    row_condition=none
) -%}
    {{ adapter.dispatch('test_expect_compound_columns_to_be_unique', 'customer360')(
        model, column_list, quote_columns, ignore_row_if, row_condition
    ) }}
{%- endtest -%}


{%- macro default__test_expect_compound_columns_to_be_unique(
    model, column_list, quote_columns, ignore_row_if, row_condition
) -%}
    {%- if not column_list or column_list is string -%}
        {{ exceptions.raise_compiler_error(
            "expect_compound_columns_to_be_unique: column_list must be a list of columns."
        ) }}
    {%- endif -%}
    {%- set ignore_row_if_values = ['all_values_are_missing', 'any_value_is_missing'] -%}
    {%- if ignore_row_if not in ignore_row_if_values -%}
        {{ exceptions.raise_compiler_error(
            "expect_compound_columns_to_be_unique: ignore_row_if must be one of "
            ~ ignore_row_if_values | join(', ') ~ ", got: " ~ ignore_row_if
        ) }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for column in column_list -%}
        {%- do columns.append(adapter.quote(column) if quote_columns else column) -%}
    {%- endfor -%}
    {%- set missing_operator = ' and ' if ignore_row_if == 'all_values_are_missing' else ' or ' -%}
    {%- set missing_checks = [] -%}
    {%- for column in columns -%}
        {%- do missing_checks.append(column ~ ' is null') -%}
    {%- endfor -%}
with

duplicates as (

    select
        {% for column in columns -%}
        {{ column }},
        {% endfor -%}
        count(*) as row_count
    from {{ model }}
    where
        {% if row_condition -%}
        ({{ row_condition }})
        and
        {% endif -%}
        not ({{ missing_checks | join(missing_operator) }})
    group by
        {{ columns | join(',\n        ') }}
    having count(*) > 1

)

select * from duplicates
{%- endmacro -%}
