{#-
    dbt_utils' relationships_where: every non-null column_name of model (among the rows
    from_condition keeps) exists as field in the model `to` (among the rows to_condition
    keeps). Fails one row per orphan value (one per row of model, not per distinct value).
-#}

{%- test relationships_where(
    model,
    column_name,
    to,
    field,
    from_condition='1=1',
    to_condition='1=1'
) -%}
    {{ adapter.dispatch('test_relationships_where', 'customer360')(
        model, column_name, to, field, from_condition, to_condition
    ) }}
{%- endtest -%}


{%- macro default__test_relationships_where(
    model, column_name, to, field, from_condition, to_condition
) -%}
with

child_values as (

    select {{ column_name }} as child_value
    from {{ model }}
    where
        {{ column_name }} is not null
        and ({{ from_condition }})

),

parent_values as (

    select {{ field }} as parent_value
    from {{ to }}
    where
        {{ field }} is not null
        and ({{ to_condition }})

),

orphans as (

    select child_values.child_value
    from child_values
    left join parent_values
        on child_values.child_value = parent_values.parent_value
    where parent_values.parent_value is null

)

select * from orphans
{%- endmacro -%}
