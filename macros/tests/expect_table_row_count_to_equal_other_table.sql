{#-
    dbt-expectations' expect_table_row_count_to_equal_other_table: the rows of model (kept
    by row_condition) number factor times the rows of compare_model (kept by
    compare_row_condition), per group when group_by / compare_group_by name the grouping
    columns of each side (compare_group_by defaults to group_by). Fails one row per table
    or group whose counts differ; a group present on one side only counts 0 on the other.
    Groups are matched null-safely (a null group key matches a null group key).
-#}

{%- test expect_table_row_count_to_equal_other_table(
    model,
    compare_model,
    group_by=none,
    compare_group_by=none,
    factor=1,
    row_condition=none,
    compare_row_condition=none
) -%}
    {{ adapter.dispatch(
        'test_expect_table_row_count_to_equal_other_table', 'customer360'
    )(
        model,
        compare_model,
        group_by,
        compare_group_by,
        factor,
        row_condition,
        compare_row_condition
    ) }}
{%- endtest -%}


{%- macro default__test_expect_table_row_count_to_equal_other_table(
    model,
    compare_model,
    group_by,
    compare_group_by,
    factor,
    row_condition,
    compare_row_condition
) -%}
    {%- set group_by = group_by or [] -%}
    {%- set compare_group_by = compare_group_by or group_by -%}
    {%- if group_by | length != compare_group_by | length -%}
        {{ exceptions.raise_compiler_error(
            "expect_table_row_count_to_equal_other_table: group_by and compare_group_by"
            ~ " must name the same number of columns."
        ) }}
    {%- endif -%}
with

model_counts as (

    select
        {% for column in group_by -%}
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

compare_counts as (

    select
        {% for column in compare_group_by -%}
        {{ column }} as group_{{ loop.index }},
        {% endfor -%}
        count(*) * {{ factor }} as row_count
    from {{ compare_model }}
    {%- if compare_row_condition %}
    where {{ compare_row_condition }}
    {%- endif %}
    {%- if compare_group_by %}
    group by
        {{ compare_group_by | join(',\n        ') }}
    {%- endif %}

),

compared as (

    select
        {% for column in group_by -%}
        coalesce(model_counts.group_{{ loop.index }}, compare_counts.group_{{ loop.index }})
            as group_{{ loop.index }},
        {% endfor -%}
        coalesce(model_counts.row_count, 0) as row_count,
        coalesce(compare_counts.row_count, 0) as compare_row_count
    from model_counts
    {%- if group_by %}
    full outer join compare_counts
        on
            {%- for column in group_by %}
            {% if not loop.first %}and {% endif -%}
            model_counts.group_{{ loop.index }}
            is not distinct from compare_counts.group_{{ loop.index }}
            {%- endfor %}
    {%- else %}
    cross join compare_counts
    {%- endif %}

),

mismatches as (

    select *
    from compared
    where row_count != compare_row_count

)

select * from mismatches
{%- endmacro -%}
