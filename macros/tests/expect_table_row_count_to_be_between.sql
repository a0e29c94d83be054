{#-
    dbt-expectations' expect_table_row_count_to_be_between: the number of rows (kept by
    row_condition, per group_by group when given) lies within [min_value, max_value] (open
    interval when strictly). Fails one row per table or group whose count is out of range.
    A group with no row does not exist, so it cannot fail a minimum.
-#}

{%- test expect_table_row_count_to_be_between(
    model,
    min_value=none,
    max_value=none,
    group_by=none,
    row_condition=none,
    strictly=false
) -%}
    {{ adapter.dispatch('test_expect_table_row_count_to_be_between', 'customer360')(
        model, min_value, max_value, group_by, row_condition, strictly
    ) }}
{%- endtest -%}


{%- macro default__test_expect_table_row_count_to_be_between(
    model, min_value, max_value, group_by, row_condition, strictly
) -%}
with

row_counts as (

    select
        {% for column in (group_by or []) -%}
        {{ column }} as group_{{ loop.index }},
        {% endfor -%}
        count(*) as row_count
    from {{ model }}
    {%- if row_condition %}
    where {{ row_condition }}
    {%- endif %}
    {%- if group_by %}
    group by
        {{ group_by | join(',\n        ') }}
    {%- endif %}

),

out_of_range as (

    select *
    from row_counts
    where not ({{ customer360.between_expression('row_count', min_value, max_value, strictly) }})

)

select * from out_of_range
{%- endmacro -%}
