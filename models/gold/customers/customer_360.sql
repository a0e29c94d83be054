-- Customer 360: one row per customer (a person resolved across the sources by
-- int_customer_identities) seen in any source, known to the CRM or not:
-- current profile, orders and revenue, web engagement, support, RFM segment and lifecycle
-- stage, all as of the as-of date (macro as_of_date).
-- Over 150 lines on purpose: a wide mart of 43 contracted columns, each cast once in final.
-- The metrics are the per-customer facts (int_customer_facts, merged per changed customer);
-- only what depends on the as-of date is derived here: days since, lifecycle, and the
-- sessions of the last 30 days (a sum over those days of int_customer_session_days).

with customers as (
    select * from {{ ref('int_customer_profiles') }}
),

facts as (
    select * from {{ ref('int_customer_facts') }}
    where not is_retired
),

session_days as (
    select * from {{ ref('int_customer_session_days') }}
),

rfm as (
    select * from {{ ref('customer_rfm') }}
),

country_codes as (
    select * from {{ ref('country_codes') }}
),

deliveries as (
    select * from {{ ref('dq_delivery_counts') }}
),

as_of_day as (
    select {{ as_of_date('deliveries') }} as as_of_date
),

-- the seed maps every spelling of a country to its code: one region per code
country_regions as (
    select distinct
        country_code,
        region
    from country_codes
),

-- every customer seen in a source: known to the CRM, or with an order, session or ticket
customer_ids as (
    select customer_id from customers
    union distinct
    select customer_id from facts
    where has_activity
),

-- only the session days of the last 30 days are read
recent_sessions as (
    select
        session_days.customer_id,
        sum(session_days.sessions_count) as sessions_last_30d
    from session_days
    cross join as_of_day
    where session_days.session_date > {{ dbt.dateadd('day', -30, 'as_of_day.as_of_date') }}
    group by session_days.customer_id
),

joined as (
    select
        customer_ids.customer_id,
        customers.customer_id is not null as is_known_to_crm,
        customers.first_name,
        customers.last_name,
        customers.email,
        customers.phone,
        customers.country_code,
        customers.country_name,
        country_regions.region,
        customers.city,
        customers.tier,
        coalesce(customers.is_email_valid, false) as is_email_valid,
        customers.has_marketing_consent,
        coalesce(customers.is_deleted, false) as is_deleted,
        customers.signup_at,
        facts.first_order_date,
        facts.last_purchase_date,
        coalesce(facts.orders_count, 0) as orders_count,
        coalesce(facts.purchases_count, 0) as purchases_count,
        coalesce(facts.cancelled_orders_count, 0) as cancelled_orders_count,
        coalesce(facts.returned_orders_count, 0) as returned_orders_count,
        coalesce(facts.lifetime_revenue_reporting, 0) as lifetime_revenue_reporting,
        {{ dbt.datediff('facts.last_purchase_date', 'as_of_day.as_of_date', 'day') }}
            as days_since_last_purchase,
        {{ dbt.datediff('facts.first_order_date', 'as_of_day.as_of_date', 'day') }}
            as days_since_first_order,
        coalesce(facts.sessions_count, 0) as sessions_count,
        coalesce(recent_sessions.sessions_last_30d, 0) as sessions_last_30d,
        coalesce(facts.page_views, 0) as page_views,
        facts.last_session_at,
        facts.acquisition_source,
        facts.acquisition_medium,
        coalesce(facts.tickets_count, 0) as tickets_count,
        coalesce(facts.open_tickets_count, 0) as open_tickets_count,
        facts.avg_satisfaction_score,
        facts.last_ticket_at,
        rfm.recency_score,
        rfm.frequency_score,
        rfm.monetary_score,
        rfm.rfm_segment,
        as_of_day.as_of_date
    from customer_ids
    cross join as_of_day
    left join customers
        on customer_ids.customer_id = customers.customer_id
    left join country_regions
        on customers.country_code = country_regions.country_code
    left join facts
        on customer_ids.customer_id = facts.customer_id
    left join recent_sessions
        on customer_ids.customer_id = recent_sessions.customer_id
    left join rfm
        on customer_ids.customer_id = rfm.customer_id
),

final as (
    select
        -- ids
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,

        -- strings
        cast(first_name as {{ dbt.type_string() }}) as first_name,
        cast(last_name as {{ dbt.type_string() }}) as last_name,
        cast(email as {{ dbt.type_string() }}) as email,
        cast(phone as {{ dbt.type_string() }}) as phone,
        cast(country_code as {{ dbt.type_string() }}) as country_code,
        cast(country_name as {{ dbt.type_string() }}) as country_name,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(city as {{ dbt.type_string() }}) as city,
        cast(tier as {{ dbt.type_string() }}) as tier,
        cast(acquisition_source as {{ dbt.type_string() }}) as acquisition_source,
        cast(acquisition_medium as {{ dbt.type_string() }}) as acquisition_medium,
        cast(rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(case
            when purchases_count = 0 then 'prospect'
            when days_since_first_order <= 30 then 'new'
            when days_since_last_purchase <= 90 then 'active'
            when days_since_last_purchase <= 180 then 'at_risk'
            else 'lapsed'
        end as {{ dbt.type_string() }}) as lifecycle_stage,
        cast({{ reporting_currency() }} as {{ dbt.type_string() }}) as reporting_currency,

        -- numerics
        cast(orders_count as integer) as orders_count,
        cast(purchases_count as integer) as purchases_count,
        cast(cancelled_orders_count as integer) as cancelled_orders_count,
        cast(returned_orders_count as integer) as returned_orders_count,
        cast(lifetime_revenue_reporting as decimal(18, 2)) as lifetime_revenue_reporting,
        {{ divide_money('lifetime_revenue_reporting', 'purchases_count') }}
            as avg_order_value_reporting,
        cast(days_since_last_purchase as integer) as days_since_last_purchase,
        cast(sessions_count as integer) as sessions_count,
        cast(sessions_last_30d as integer) as sessions_last_30d,
        cast(page_views as integer) as page_views,
        cast(tickets_count as integer) as tickets_count,
        cast(open_tickets_count as integer) as open_tickets_count,
        cast(avg_satisfaction_score as double) as avg_satisfaction_score,
        cast(recency_score as integer) as recency_score,
        cast(frequency_score as integer) as frequency_score,
        cast(monetary_score as integer) as monetary_score,

        -- booleans
        is_known_to_crm,
        is_email_valid,
        has_marketing_consent,
        is_deleted,
        purchases_count > 0 and days_since_last_purchase <= 90 as is_active,
        open_tickets_count > 0 as has_open_ticket,

        -- dates and timestamps
        first_order_date,
        last_purchase_date,
        as_of_date,
        cast(signup_at as timestamp) as signup_at,
        cast(last_session_at as timestamp) as last_session_at,
        cast(last_ticket_at as timestamp) as last_ticket_at
    from joined
)

select * from final
