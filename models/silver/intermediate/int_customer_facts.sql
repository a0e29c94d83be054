-- One row per customer: the facts that do not depend on the as-of date (first and last
-- purchase, counts, revenue, the BTYD inputs, web and support metrics), for customer_360,
-- customer_rfm and customer_purchase_summary, which derive the as-of-dependent values
-- (recency, T, days since, lifecycle) from them.
--
-- Incremental, merged on customer_id: a run recomputes only the customers that changed since
-- the last one, from all of their rows (int_customer_order_days, int_customer_session_days,
-- their tickets' current states):
--   * customers with an order, session or ticket ingested after the watermark (the latest
--     _ingested_at of the stored facts, macro incremental_watermark);
--   * customers whose source ids changed (merged, split, new): the stored fingerprint of
--     their nodes differs from the current one (macro customers_with_changed_identity).
--     This finds both the ids nodes moved to and the ids they moved from.
-- Every identified customer has a row (even without any order, session or ticket), so its
-- fingerprint is stored and an unchanged customer is never recomputed.
--
-- A customer id that no longer holds any node (merged into another) keeps its row, flagged
-- is_retired, with zero counts and null dates: readers filter `not is_retired`. Deleting it
-- would need a merge that deletes matched rows, which dbt-databricks' merge does not offer
-- (only `not matched by source`, conditioned on the target alone), and delete+insert cannot
-- delete a key without inserting it again; a flagged row is a plain write of its key (a
-- merge on Delta, a delete and an insert on DuckDB: dbt_project.yml), and the local Spark
-- check (parquet, built from scratch) never has one. If the id comes back (a split restores
-- its anchor), the next write makes the row live again.

{{ config(
    materialized='incremental',
    unique_key='customer_id',
    matched_condition=none,
) }}
{{ assert_reporting_time_zone_unchanged() }}

with orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

order_days as (
    select * from {{ ref('int_customer_order_days') }}
),

sessions as (
    select * from {{ ref('int_web_sessions') }}
    where customer_id is not null
),

session_days as (
    select * from {{ ref('int_customer_session_days') }}
),

-- every ticket's current state (the one still in force)
tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

-- a browser that never logged in is no customer's (int_web_sessions)
identities as (
    select * from {{ ref('int_customer_identities') }}
    where is_identified
),

-- every customer with a fingerprint of the source ids it holds
customer_nodes as (
    select
        customer_id,
        count(*) as nodes_count,
        {{ set_signature('node_key') }} as nodes_signature
    from identities
    group by customer_id
),

order_customers as (
    select
        orders.order_id,
        orders._ingested_at,
        identities.customer_id
    from orders
    inner join identities
        on
            identities.node_type = 'order'
            and orders.order_id = identities.source_id
),

ticket_customers as (
    select
        tickets.*,
        identities.customer_id
    from tickets
    inner join identities
        on
            identities.node_type = 'ticket'
            and tickets.ticket_id = identities.source_id
),

-- merged, split or new customers (every customer on a first build or a full refresh)
changed_identities as (
    {{ customers_with_changed_identity('customer_nodes') }}
),

-- the customers to recompute
batch as (
    select customer_id from order_customers
    where _ingested_at > {{ incremental_watermark() }}
    union distinct
    select customer_id from sessions
    where _max_ingested_at > {{ incremental_watermark() }}
    union distinct
    select customer_id from ticket_customers
    where _ingested_at > {{ incremental_watermark() }}
    union distinct
    select customer_id from changed_identities
),

batch_order_days as (
    select
        order_days.*,
        min(case when order_days.purchases_count > 0 then order_days.order_date end) over (
            partition by order_days.customer_id
        ) as first_purchase_date
    from order_days
    inner join batch
        on order_days.customer_id = batch.customer_id
),

-- a transaction is a day with a purchase; repeat transactions are those after the first
order_facts as (
    select
        customer_id,
        min(order_date) as first_order_date,
        min(first_purchase_date) as first_purchase_date,
        max(case when purchases_count > 0 then order_date end) as last_purchase_date,
        sum(orders_count) as orders_count,
        sum(purchases_count) as purchases_count,
        sum(cancelled_orders_count) as cancelled_orders_count,
        sum(returned_orders_count) as returned_orders_count,
        sum(case when purchases_count > 0 then 1 else 0 end) as transaction_days_count,
        sum(purchases_revenue_reporting) as lifetime_revenue_reporting,
        sum(
            case when order_date > first_purchase_date then purchases_revenue_reporting else 0 end
        ) as repeat_transactions_revenue_reporting
    from batch_order_days
    group by customer_id
),

web_facts as (
    select
        session_days.customer_id,
        sum(session_days.sessions_count) as sessions_count,
        sum(session_days.page_views) as page_views,
        max(session_days.last_session_end_at) as last_session_at,
        max(session_days.first_session_utm_source) as acquisition_source,
        max(session_days.first_session_utm_medium) as acquisition_medium
    from session_days
    inner join batch
        on session_days.customer_id = batch.customer_id
    group by session_days.customer_id
),

-- deleted tickets count as activity (the customer was seen), not as tickets
support_facts as (
    select
        ticket_customers.customer_id,
        count(*) as ticket_states_count,
        sum(case when not ticket_customers.is_deleted then 1 else 0 end) as tickets_count,
        sum(
            case when ticket_customers.is_open and not ticket_customers.is_deleted then 1 else 0 end
        ) as open_tickets_count,
        avg(case when not ticket_customers.is_deleted then ticket_customers.satisfaction_score end)
            as avg_satisfaction_score,
        max(case when not ticket_customers.is_deleted then ticket_customers.created_at end)
            as last_ticket_at,
        max(ticket_customers._ingested_at) as last_ingested_at
    from ticket_customers
    inner join batch
        on ticket_customers.customer_id = batch.customer_id
    group by ticket_customers.customer_id
),

-- the watermark of a customer's row: the latest ingestion of its orders, sessions, tickets
orders_ingestion as (
    select
        order_customers.customer_id,
        max(order_customers._ingested_at) as last_ingested_at
    from order_customers
    inner join batch
        on order_customers.customer_id = batch.customer_id
    group by order_customers.customer_id
),

sessions_ingestion as (
    select
        sessions.customer_id,
        max(sessions._max_ingested_at) as last_ingested_at
    from sessions
    inner join batch
        on sessions.customer_id = batch.customer_id
    group by sessions.customer_id
),

joined as (
    select
        batch.customer_id,
        customer_nodes.customer_id is null as is_retired,
        coalesce(order_facts.orders_count, 0) > 0
        or coalesce(web_facts.sessions_count, 0) > 0
        or coalesce(support_facts.ticket_states_count, 0) > 0 as has_activity,
        order_facts.first_order_date,
        order_facts.first_purchase_date,
        order_facts.last_purchase_date,
        coalesce(order_facts.orders_count, 0) as orders_count,
        coalesce(order_facts.purchases_count, 0) as purchases_count,
        coalesce(order_facts.cancelled_orders_count, 0) as cancelled_orders_count,
        coalesce(order_facts.returned_orders_count, 0) as returned_orders_count,
        coalesce(order_facts.transaction_days_count, 0) as transaction_days_count,
        coalesce(order_facts.lifetime_revenue_reporting, 0) as lifetime_revenue_reporting,
        coalesce(order_facts.repeat_transactions_revenue_reporting, 0)
            as repeat_transactions_revenue_reporting,
        coalesce(web_facts.sessions_count, 0) as sessions_count,
        coalesce(web_facts.page_views, 0) as page_views,
        web_facts.last_session_at,
        web_facts.acquisition_source,
        web_facts.acquisition_medium,
        coalesce(support_facts.tickets_count, 0) as tickets_count,
        coalesce(support_facts.open_tickets_count, 0) as open_tickets_count,
        support_facts.avg_satisfaction_score,
        support_facts.last_ticket_at,
        coalesce(customer_nodes.nodes_count, 0) as nodes_count,
        coalesce(customer_nodes.nodes_signature, 0) as nodes_signature,
        -- greatest skips nulls (DuckDB, Spark, Databricks): null only when all three are
        greatest(
            orders_ingestion.last_ingested_at,
            sessions_ingestion.last_ingested_at,
            support_facts.last_ingested_at
        ) as _ingested_at
    from batch
    left join customer_nodes
        on batch.customer_id = customer_nodes.customer_id
    left join order_facts
        on batch.customer_id = order_facts.customer_id
    left join web_facts
        on batch.customer_id = web_facts.customer_id
    left join support_facts
        on batch.customer_id = support_facts.customer_id
    left join orders_ingestion
        on batch.customer_id = orders_ingestion.customer_id
    left join sessions_ingestion
        on batch.customer_id = sessions_ingestion.customer_id
),

final as (
    select
        -- ids
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,

        -- strings
        cast(acquisition_source as {{ dbt.type_string() }}) as acquisition_source,
        cast(acquisition_medium as {{ dbt.type_string() }}) as acquisition_medium,

        -- numerics
        cast(orders_count as integer) as orders_count,
        cast(purchases_count as integer) as purchases_count,
        cast(cancelled_orders_count as integer) as cancelled_orders_count,
        cast(returned_orders_count as integer) as returned_orders_count,
        cast(transaction_days_count as integer) as transaction_days_count,
        cast(lifetime_revenue_reporting as decimal(18, 2)) as lifetime_revenue_reporting,
        cast(repeat_transactions_revenue_reporting as decimal(18, 2))
            as repeat_transactions_revenue_reporting,
        cast(sessions_count as integer) as sessions_count,
        cast(page_views as {{ dbt.type_bigint() }}) as page_views,
        cast(tickets_count as integer) as tickets_count,
        cast(open_tickets_count as integer) as open_tickets_count,
        cast(avg_satisfaction_score as double) as avg_satisfaction_score,
        cast(nodes_count as integer) as nodes_count,
        cast(nodes_signature as {{ dbt.type_bigint() }}) as nodes_signature,

        -- booleans
        is_retired,
        has_activity,

        -- dates and timestamps
        first_order_date,
        first_purchase_date,
        last_purchase_date,
        {{ reporting_time_zone_column() }},
        cast(last_session_at as timestamp) as last_session_at,
        cast(last_ticket_at as timestamp) as last_ticket_at,

        -- lineage: the watermark
        _ingested_at
    from joined
)

select * from final
