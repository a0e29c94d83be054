with

instants as (

    select 1 as instant_id, cast('2026-07-01 02:30:00' as timestamp) as happened_at,
        cast('2026-06-30' as date) as expected_date
    union all
    select 2, cast('2026-07-01 04:00:00' as timestamp), cast('2026-07-01' as date)
    union all
    select 3, cast('2026-01-02 04:59:59' as timestamp), cast('2026-01-01' as date)
    union all
    select 4, cast(null as timestamp), cast(null as date)

),

dated as (

    select
        instant_id,
        happened_at,
        expected_date,
        {{ customer360.reporting_date('happened_at') }} as reporting_date
    from instants

)

select * from dated
