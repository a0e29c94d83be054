with

key_inputs as (

    select * from {{ ref('fixture_key_inputs') }}

),

keyed as (

    select
        key_input_id,
        part_text,
        part_number,
        expected_key,
        {{ customer360.generate_surrogate_key(['part_text', 'part_number']) }} as surrogate_key,
        {{ customer360.generate_surrogate_key(['key_input_id']) }} as single_field_key
    from key_inputs

)

select * from keyed
