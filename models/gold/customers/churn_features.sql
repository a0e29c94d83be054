-- Churn features: one row per customer and as-of date, point-in-time correct: every feature
-- uses only data up to the end of its as-of date. As-of dates run every
-- churn_as_of_interval_days back from the observation end, from churn_min_history_days after
-- the first order on. A customer enters an as-of date once they have a purchase on or before
-- it (and are not deleted in the CRM as of then).
-- Label: is_churned = the customer places no order in the churn_horizon_days after the
-- as-of date; null while that window is not over yet (those rows are the ones to score).
-- Over 150 lines on purpose: one CTE per feature family (orders, the label's horizon,
-- sessions, tickets, profile), each the point-in-time sum of a silver intermediate up to
-- the as-of date; as separate models they would be five more customer × as-of tables.

{%- set horizon = var('churn_horizon_days') %}
{%- set interval = var('churn_as_of_interval_days') %}
{%- set as_of_offset = '-1 * (series.generated_number - 1) * ' ~ interval %}

with order_days as (
    select * from {{ ref('int_customer_order_days') }}
),

session_days as (
    select * from {{ ref('int_customer_session_days') }}
),

ticket_states as (
    select * from {{ ref('int_ticket_states') }}
),

customer_versions as (
    select * from {{ ref('int_customer_versions') }}
),

observation as (
    select {{ observation_end_date('order_days') }} as end_date
),

first_order as (
    select min(order_date) as first_order_date
    from order_days
),

bounds as (
    select
        observation.end_date as observation_end_date,
        first_order.first_order_date
    from observation
    cross join first_order
),

as_of_dates as (
    select
        cast(
            {{ dbt.dateadd('day', as_of_offset, 'bounds.observation_end_date') }} as date
        ) as as_of_date,
        bounds.observation_end_date
    from ({{ dbt.generate_series(60) }}) as series
    cross join bounds
    where
        {{ dbt.dateadd('day', as_of_offset, 'bounds.observation_end_date') }}
        >= {{ dbt.dateadd('day', var('churn_min_history_days'), 'bounds.first_order_date') }}
),

-- every order placed counts, whatever its later status: a cancellation or return that
-- happens after the as-of date must not leak into its features
order_history as (
    select
        order_days.customer_id,
        as_of_dates.as_of_date,
        as_of_dates.observation_end_date,
        min(order_days.order_date) as first_order_date,
        max(order_days.order_date) as last_order_date,
        sum(order_days.orders_count) as orders_total,
        sum(case
            when order_days.order_date > {{ dbt.dateadd('day', -30, 'as_of_dates.as_of_date') }}
                then order_days.orders_count
            else 0
        end) as orders_last_30d,
        sum(case
            when order_days.order_date > {{ dbt.dateadd('day', -90, 'as_of_dates.as_of_date') }}
                then order_days.orders_count
            else 0
        end) as orders_last_90d,
        sum(order_days.order_total_reporting) as revenue_total,
        sum(case
            when order_days.order_date > {{ dbt.dateadd('day', -90, 'as_of_dates.as_of_date') }}
                then order_days.order_total_reporting
            else 0
        end) as revenue_last_90d
    from order_days
    inner join as_of_dates
        on order_days.order_date <= as_of_dates.as_of_date
    group by order_days.customer_id, as_of_dates.as_of_date, as_of_dates.observation_end_date
),

future_orders as (
    select
        order_days.customer_id,
        as_of_dates.as_of_date,
        sum(order_days.orders_count) as orders_in_horizon
    from order_days
    inner join as_of_dates
        on
            order_days.order_date > as_of_dates.as_of_date
            and order_days.order_date
            <= {{ dbt.dateadd('day', horizon, 'as_of_dates.as_of_date') }}
    group by order_days.customer_id, as_of_dates.as_of_date
),

session_history as (
    select
        session_days.customer_id,
        as_of_dates.as_of_date,
        max(session_days.session_date) as last_session_date,
        sum(case
            when session_days.session_date > {{ dbt.dateadd('day', -30, 'as_of_dates.as_of_date') }}
                then session_days.sessions_count
            else 0
        end) as sessions_last_30d,
        sum(case
            when session_days.session_date > {{ dbt.dateadd('day', -90, 'as_of_dates.as_of_date') }}
                then session_days.sessions_count
            else 0
        end) as sessions_last_90d
    from session_days
    inner join as_of_dates
        on session_days.session_date <= as_of_dates.as_of_date
    group by session_days.customer_id, as_of_dates.as_of_date
),

-- the state every ticket was in at the end of each as-of date (int_ticket_states)
ticket_history as (
    select
        ticket_states.customer_id,
        as_of_dates.as_of_date,
        sum(case
            when
                cast(ticket_states.created_at as date)
                > {{ dbt.dateadd('day', -90, 'as_of_dates.as_of_date') }}
                then 1
            else 0
        end) as tickets_last_90d,
        sum(case when ticket_states.is_open then 1 else 0 end) as open_tickets,
        avg(case
            when
                cast(ticket_states.committed_at as date)
                > {{ dbt.dateadd('day', -180, 'as_of_dates.as_of_date') }}
                then ticket_states.satisfaction_score
        end) as avg_satisfaction_last_180d
    from ticket_states
    inner join as_of_dates
        on
            ticket_states.valid_from_date <= as_of_dates.as_of_date
            and coalesce(ticket_states.valid_to_date, cast('9999-12-31' as date))
            > as_of_dates.as_of_date
    group by ticket_states.customer_id, as_of_dates.as_of_date
),

profile_as_of as (
    select
        order_history.customer_id,
        order_history.as_of_date,
        customer_versions.tier,
        customer_versions.country_code,
        customer_versions.has_marketing_consent,
        customer_versions.is_deleted,
        customer_versions.signup_at
    from order_history
    inner join customer_versions
        on
            order_history.customer_id = customer_versions.customer_id
            and customer_versions.valid_from
            < {{ dbt.dateadd('day', 1, 'order_history.as_of_date') }}
            and (
                customer_versions.valid_to is null
                or customer_versions.valid_to
                >= {{ dbt.dateadd('day', 1, 'order_history.as_of_date') }}
            )
),

final as (
    select
        -- ids
        cast(order_history.customer_id as {{ dbt.type_string() }}) as customer_id,

        -- dates
        order_history.as_of_date,

        -- numerics
        cast({{ dbt.datediff(
            'coalesce(least(cast(profile_as_of.signup_at as date), order_history.first_order_date), order_history.first_order_date)',
            'order_history.as_of_date', 'day') }} as integer) as tenure_days,
        cast(
            {{ dbt.datediff('order_history.last_order_date', 'order_history.as_of_date', 'day') }}
            as integer
        ) as days_since_last_order,
        cast(order_history.orders_last_30d as integer) as orders_last_30d,
        cast(order_history.orders_last_90d as integer) as orders_last_90d,
        cast(order_history.orders_total as integer) as orders_total,
        cast(order_history.revenue_last_90d as decimal(18, 2)) as revenue_last_90d,
        cast(order_history.revenue_total as decimal(18, 2)) as revenue_total,
        {{ divide_money('order_history.revenue_total', 'order_history.orders_total') }}
            as avg_order_value,
        cast(coalesce(session_history.sessions_last_30d, 0) as integer) as sessions_last_30d,
        cast(coalesce(session_history.sessions_last_90d, 0) as integer) as sessions_last_90d,
        cast(
            {{ dbt.datediff('session_history.last_session_date', 'order_history.as_of_date',
                'day') }}
            as integer
        ) as days_since_last_session,
        cast(coalesce(ticket_history.tickets_last_90d, 0) as integer) as tickets_last_90d,
        cast(coalesce(ticket_history.open_tickets, 0) as integer) as open_tickets,
        cast(ticket_history.avg_satisfaction_last_180d as double) as avg_satisfaction_last_180d,

        -- strings
        cast(profile_as_of.tier as {{ dbt.type_string() }}) as tier,
        cast(profile_as_of.country_code as {{ dbt.type_string() }}) as country_code,

        -- booleans
        profile_as_of.has_marketing_consent,
        case
            when
                {{ dbt.dateadd('day', horizon, 'order_history.as_of_date') }}
                > order_history.observation_end_date then null
            else coalesce(future_orders.orders_in_horizon, 0) = 0
        end as is_churned
    from order_history
    left join future_orders
        on
            order_history.customer_id = future_orders.customer_id
            and order_history.as_of_date = future_orders.as_of_date
    left join session_history
        on
            order_history.customer_id = session_history.customer_id
            and order_history.as_of_date = session_history.as_of_date
    left join ticket_history
        on
            order_history.customer_id = ticket_history.customer_id
            and order_history.as_of_date = ticket_history.as_of_date
    left join profile_as_of
        on
            order_history.customer_id = profile_as_of.customer_id
            and order_history.as_of_date = profile_as_of.as_of_date
    where not coalesce(profile_as_of.is_deleted, false)
)

select * from final
