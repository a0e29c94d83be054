-- Customer 360: one row per customer (a person resolved across the sources by
-- int_customer_identities) seen in any source, known to the CRM or not:
-- current profile, orders and revenue, web engagement, support, RFM segment and lifecycle
-- stage, all as of the observation end.
-- Over 150 lines on purpose: a wide mart of 43 contracted columns, each cast once in final;
-- the metrics themselves are short sums over the silver per-customer facts
-- (int_customer_order_days, int_customer_session_days) and the tickets' current states
-- (int_ticket_states).

with customers as (
    select * from {{ ref('int_customer_profiles') }}
),

order_days as (
    select * from {{ ref('int_customer_order_days') }}
),

session_days as (
    select * from {{ ref('int_customer_session_days') }}
),

-- every ticket's current state (the one still in force), with its customer
tickets as (
    select * from {{ ref('int_ticket_states') }}
    where valid_to_date is null
),

rfm as (
    select * from {{ ref('customer_rfm') }}
),

country_codes as (
    select * from {{ ref('country_codes') }}
),

observation as (
    select {{ observation_end_date('order_days') }} as end_date
),

-- the seed maps every spelling of a country to its code: one region per code
country_regions as (
    select distinct
        country_code,
        region
    from country_codes
),

customer_ids as (
    select customer_id from customers
    union distinct
    select customer_id from order_days
    union distinct
    select customer_id from session_days
    union distinct
    select customer_id from tickets
    where customer_id is not null
),

order_metrics as (
    select
        customer_id,
        min(order_date) as first_order_date,
        max(case when purchases_count > 0 then order_date end) as last_purchase_date,
        sum(orders_count) as orders_count,
        sum(purchases_count) as purchases_count,
        sum(cancelled_orders_count) as cancelled_orders_count,
        sum(returned_orders_count) as returned_orders_count,
        sum(purchases_revenue_reporting) as lifetime_revenue_reporting
    from order_days
    group by customer_id
),

web_metrics as (
    select
        session_days.customer_id,
        sum(session_days.sessions_count) as sessions_count,
        sum(case
            when
                session_days.session_date
                > {{ dbt.dateadd('day', -30, 'observation.end_date') }}
                then session_days.sessions_count
            else 0
        end) as sessions_last_30d,
        sum(session_days.page_views) as page_views,
        max(session_days.last_session_end_at) as last_session_at,
        max(session_days.first_session_utm_source) as acquisition_source,
        max(session_days.first_session_utm_medium) as acquisition_medium
    from session_days
    cross join observation
    group by session_days.customer_id
),

support_metrics as (
    select
        customer_id,
        count(*) as tickets_count,
        sum(case when is_open then 1 else 0 end) as open_tickets_count,
        avg(satisfaction_score) as avg_satisfaction_score,
        max(created_at) as last_ticket_at
    from tickets
    where not is_deleted
    group by customer_id
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
        order_metrics.first_order_date,
        order_metrics.last_purchase_date,
        coalesce(order_metrics.orders_count, 0) as orders_count,
        coalesce(order_metrics.purchases_count, 0) as purchases_count,
        coalesce(order_metrics.cancelled_orders_count, 0) as cancelled_orders_count,
        coalesce(order_metrics.returned_orders_count, 0) as returned_orders_count,
        coalesce(order_metrics.lifetime_revenue_reporting, 0) as lifetime_revenue_reporting,
        {{ dbt.datediff('order_metrics.last_purchase_date', 'observation.end_date', 'day') }}
            as days_since_last_purchase,
        {{ dbt.datediff('order_metrics.first_order_date', 'observation.end_date', 'day') }}
            as days_since_first_order,
        coalesce(web_metrics.sessions_count, 0) as sessions_count,
        coalesce(web_metrics.sessions_last_30d, 0) as sessions_last_30d,
        coalesce(web_metrics.page_views, 0) as page_views,
        web_metrics.last_session_at,
        web_metrics.acquisition_source,
        web_metrics.acquisition_medium,
        coalesce(support_metrics.tickets_count, 0) as tickets_count,
        coalesce(support_metrics.open_tickets_count, 0) as open_tickets_count,
        support_metrics.avg_satisfaction_score,
        support_metrics.last_ticket_at,
        rfm.recency_score,
        rfm.frequency_score,
        rfm.monetary_score,
        rfm.rfm_segment,
        observation.end_date as observation_end_date
    from customer_ids
    cross join observation
    left join customers
        on customer_ids.customer_id = customers.customer_id
    left join country_regions
        on customers.country_code = country_regions.country_code
    left join order_metrics
        on customer_ids.customer_id = order_metrics.customer_id
    left join web_metrics
        on customer_ids.customer_id = web_metrics.customer_id
    left join support_metrics
        on customer_ids.customer_id = support_metrics.customer_id
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
        observation_end_date,
        cast(signup_at as timestamp) as signup_at,
        cast(last_session_at as timestamp) as last_session_at,
        cast(last_ticket_at as timestamp) as last_ticket_at
    from joined
)

select * from final
