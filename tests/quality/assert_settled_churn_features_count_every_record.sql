-- Records that reached a settled churn_features row too late. An as-of date's rows are kept as
-- they are once the date settled (var churn_late_data_days after it), so an order, a web
-- session or a ticket change dated on or before the as-of date but delivered after that is not
-- in the row, where a full refresh counts it. Returns the rows whose orders_total,
-- sessions_last_90d, tickets_last_90d or open_tickets is not what the records now known give
-- as of their as-of date (the same sums as churn_features'); severity warn: the build goes on,
-- and says how many rows are stale.
{{ config(severity='warn') }}

with features as (
    select * from {{ ref('churn_features') }}
),

order_days as (
    select * from {{ ref('int_customer_order_days') }}
),

session_days as (
    select * from {{ ref('int_customer_session_days') }}
),

-- as churn_features counts them: a deleted ticket is no ticket from its deletion on
ticket_states as (
    select * from {{ ref('int_ticket_states') }}
    where not is_deleted
),

orders_known as (
    select
        features.customer_id,
        features.as_of_date,
        coalesce(sum(order_days.orders_count), 0) as orders_total
    from features
    left join order_days
        on
            features.customer_id = order_days.customer_id
            and features.as_of_date >= order_days.order_date
    group by features.customer_id, features.as_of_date
),

sessions_known as (
    select
        features.customer_id,
        features.as_of_date,
        coalesce(sum(session_days.sessions_count), 0) as sessions_last_90d
    from features
    left join session_days
        on
            features.customer_id = session_days.customer_id
            and features.as_of_date >= session_days.customer_known_date
            and session_days.session_date > {{ dbt.dateadd('day', -90, 'features.as_of_date') }}
    group by features.customer_id, features.as_of_date
),

tickets_known as (
    select
        features.customer_id,
        features.as_of_date,
        coalesce(sum(case
            when
                {{ reporting_date('ticket_states.created_at') }}
                > {{ dbt.dateadd('day', -90, 'features.as_of_date') }}
                then 1
            else 0
        end), 0) as tickets_last_90d,
        coalesce(sum(case when ticket_states.is_open then 1 else 0 end), 0) as open_tickets
    from features
    left join ticket_states
        on
            features.customer_id = ticket_states.customer_id
            and features.as_of_date >= ticket_states.valid_from_date
            and features.as_of_date
            < coalesce(ticket_states.valid_to_date, cast('9999-12-31' as date))
    group by features.customer_id, features.as_of_date
),

compared as (
    select
        features.customer_id,
        features.as_of_date,
        features.orders_total,
        orders_known.orders_total as orders_known_now,
        features.sessions_last_90d,
        sessions_known.sessions_last_90d as sessions_last_90d_known_now,
        features.tickets_last_90d,
        tickets_known.tickets_last_90d as tickets_last_90d_known_now,
        features.open_tickets,
        tickets_known.open_tickets as open_tickets_known_now
    from features
    inner join orders_known
        on
            features.customer_id = orders_known.customer_id
            and features.as_of_date = orders_known.as_of_date
    inner join sessions_known
        on
            features.customer_id = sessions_known.customer_id
            and features.as_of_date = sessions_known.as_of_date
    inner join tickets_known
        on
            features.customer_id = tickets_known.customer_id
            and features.as_of_date = tickets_known.as_of_date
)

select * from compared
where
    orders_known_now != orders_total
    or sessions_last_90d_known_now != sessions_last_90d
    or tickets_last_90d_known_now != tickets_last_90d
    or open_tickets_known_now != open_tickets
