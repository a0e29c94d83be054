with

one_value_and_a_null as (

    select
        'a' as first_value,
        cast(null as {{ dbt.type_string() }}) as no_value

),

hashed as (

    select
        {{ customer360.row_hash(['first_value', 'no_value']) }} as value_then_null,
        {{ customer360.row_hash(['no_value', 'first_value']) }} as null_then_value,
        {{ customer360.row_hash(['first_value']) }} as value_alone
    from one_value_and_a_null

)

select * from hashed
