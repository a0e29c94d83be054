-- Churn features: one row per customer and as-of date, point-in-time correct: every feature
-- uses only data up to the end of its as-of date. The as-of dates are a fixed calendar (var
-- churn_as_of_calendar: month ends, or week ends, Sundays), from churn_min_history_days after
-- the first order up to the run's as-of date (macro as_of_date: the latest delivery day). A
-- customer enters an as-of date once they have an order on or before it (and are not deleted
-- in the CRM as of then).
-- Label: is_churned = the customer places no order in the churn_horizon_days after the
-- as-of date; null while that window is not over by the run's as-of date (those rows are the
-- ones to score).
--
-- Incremental (merge on customer_id + as_of_date). A run completes the table: it computes the
-- as-of dates that have no row yet (for every customer), every as-of date of the customers that
-- have no row yet, and the label of the stored rows whose window has closed but whose label is
-- null or still settling. Every other row is left as it is. Before that, the model's pre-hooks
-- (macros churn_features_delete_settling and churn_features_delete_reidentified) delete the
-- rows to rebuild, which the run then computes as missing:
-- - settling rows: an as-of date settles churn_late_data_days after it (7: the rows of
--   2026-06-30 are rebuilt by every run as of 2026-06-30 to 2026-07-06, and kept from the run
--   as of 2026-07-07 on), so records delivered late but dated on or before it (in the sample,
--   web events up to 3 days late, CRM records and ticket changes a few days late) count as a
--   full refresh counts them. A label settles the same way, churn_late_data_days after its
--   window closed: until then the merge rewrites it.
-- - customers whose identity changed: identity_signature is a hash of the customer's
--   identity nodes (int_customer_identities) first delivered on or before the as-of date;
--   where it is no longer what the nodes give, customers were merged or split, and the
--   customer's rows are rebuilt; the rows of a customer_id that no longer exists (merged into
--   another) are deleted and not recomputed.
-- Hooks, not the merge, delete: Delta MERGE takes no subquery in its conditions, so a merge
-- cannot say which stored rows are stale; a DELETE can, on DuckDB and on Delta. Should the run
-- fail after the deletes, the next run finds those rows missing and computes them. The local
-- Spark check (parquet) builds the table from scratch only; its hooks render empty there.
-- Late data beyond the settling window does not change a settled row: a row keeps what was
-- known churn_late_data_days after its as-of date (a full refresh would count the late
-- record: rebuild with --full-refresh after a large backfill). The build warns when an order,
-- a session or a ticket change reached a settled row that way (test
-- assert_settled_churn_features_count_every_record).
-- Over 150 lines on purpose: one CTE per feature family (orders, the label's horizon,
-- sessions, tickets, profile, identity), each the point-in-time sum of a silver intermediate
-- up to the as-of date; as separate models they would be six more customer × as-of tables.

{%- set horizon = number_var('churn_horizon_days', 1, integer=true) %}
{%- set min_history_days = number_var('churn_min_history_days', 0, integer=true) %}
{%- set late_data_days = number_var('churn_late_data_days', 0, integer=true) %}
{%- set calendar = choice_var('churn_as_of_calendar', ['month', 'week']) %}
{#- enough periods for 100 years of history #}
{%- set periods = 1200 if calendar == 'month' else 5300 %}
{%- set period_start = dbt.dateadd(
    calendar, '(series.generated_number - 1)', 'bounds.first_as_of_date') %}
{{ assert_reporting_time_zone_unchanged() }}

with order_days as (
    select * from {{ ref('int_customer_order_days') }}
),

session_days as (
    select * from {{ ref('int_customer_session_days') }}
),

-- a deleted ticket is no ticket from its deletion on (as in int_customer_facts), whether the
-- delete carried the ticket's state or its key alone
ticket_states as (
    select * from {{ ref('int_ticket_states') }}
    where not is_deleted
),

customer_versions as (
    select * from {{ ref('int_customer_versions') }}
),

identities as (
    select * from {{ ref('int_customer_identities') }}
),

deliveries as (
    select * from {{ ref('dq_delivery_counts') }}
),

-- the as-of dates and the customers the table already holds (none on a full refresh)
{%- if is_incremental() %}

    stored as (
        select * from {{ this }}
    ),
{%- else %}

    stored as (
        select
            customer_id,
            order_date as as_of_date,
            cast(null as boolean) as is_churned
        from order_days
        where 1 = 0
    ),
{%- endif %}

stored_dates as (
    select distinct as_of_date
    from stored
),

stored_customers as (
    select distinct customer_id
    from stored
),

bounds as (
    select
        {{ as_of_date('deliveries') }} as run_as_of_date,
        {{ dbt.dateadd('day', min_history_days, 'min(order_date)') }}
            as first_as_of_date
    from order_days
),

calendar_dates as (
    select
        cast({{ dbt.last_day(period_start, calendar) }} as date) as as_of_date,
        bounds.run_as_of_date
    from ({{ dbt.generate_series(periods) }}) as series
    cross join bounds
    where {{ period_start }} <= bounds.run_as_of_date
),

as_of_dates as (
    select
        calendar_dates.as_of_date,
        calendar_dates.run_as_of_date,
        stored_dates.as_of_date is not null as is_stored
    from calendar_dates
    left join stored_dates
        on calendar_dates.as_of_date = stored_dates.as_of_date
    where calendar_dates.as_of_date <= calendar_dates.run_as_of_date
),

-- every order placed counts, whatever its later status: a cancellation or return that
-- happens after the as-of date must not leak into its features. Only the rows to compute:
-- the as-of dates not stored yet, and every as-of date of the customers not stored yet.
order_history as (
    select
        order_days.customer_id,
        as_of_dates.as_of_date,
        as_of_dates.run_as_of_date,
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
    left join stored_customers
        on order_days.customer_id = stored_customers.customer_id
    where not as_of_dates.is_stored or stored_customers.customer_id is null
    group by order_days.customer_id, as_of_dates.as_of_date, as_of_dates.run_as_of_date
),

-- stored rows whose label window has closed and whose label is null or still settling
labels_to_update as (
    select
        stored.*,
        as_of_dates.run_as_of_date
    from stored
    inner join as_of_dates
        on stored.as_of_date = as_of_dates.as_of_date
    where
        {{ dbt.dateadd('day', horizon, 'stored.as_of_date') }} <= as_of_dates.run_as_of_date
        and (
            stored.is_churned is null
            or {{ dbt.dateadd('day', horizon + late_data_days, 'stored.as_of_date') }}
            > as_of_dates.run_as_of_date
        )
),

label_windows as (
    select
        customer_id,
        as_of_date
    from order_history
    union all
    select
        customer_id,
        as_of_date
    from labels_to_update
),

future_orders as (
    select
        label_windows.customer_id,
        label_windows.as_of_date,
        sum(order_days.orders_count) as orders_in_horizon
    from label_windows
    inner join order_days
        on
            label_windows.customer_id = order_days.customer_id
            and label_windows.as_of_date < order_days.order_date
            and {{ dbt.dateadd('day', horizon, 'label_windows.as_of_date') }}
            >= order_days.order_date
    group by label_windows.customer_id, label_windows.as_of_date
),

session_history as (
    select
        order_history.customer_id,
        order_history.as_of_date,
        max(session_days.session_date) as last_session_date,
        sum(case
            when
                session_days.session_date
                > {{ dbt.dateadd('day', -30, 'order_history.as_of_date') }}
                then session_days.sessions_count
            else 0
        end) as sessions_last_30d,
        sum(case
            when
                session_days.session_date
                > {{ dbt.dateadd('day', -90, 'order_history.as_of_date') }}
                then session_days.sessions_count
            else 0
        end) as sessions_last_90d
    from order_history
    inner join session_days
        on
            order_history.customer_id = session_days.customer_id
            -- the sessions known to be the customer's by the as-of date (a session is known
            -- on its own day or, stitched, from its browser's first login)
            and order_history.as_of_date >= session_days.customer_known_date
    group by order_history.customer_id, order_history.as_of_date
),

-- the state every ticket was in at the end of each as-of date (int_ticket_states)
ticket_history as (
    select
        order_history.customer_id,
        order_history.as_of_date,
        sum(case
            when
                {{ reporting_date('ticket_states.created_at') }}
                > {{ dbt.dateadd('day', -90, 'order_history.as_of_date') }}
                then 1
            else 0
        end) as tickets_last_90d,
        sum(case when ticket_states.is_open then 1 else 0 end) as open_tickets,
        avg(case
            when
                {{ reporting_date('ticket_states.committed_at') }}
                > {{ dbt.dateadd('day', -180, 'order_history.as_of_date') }}
                then ticket_states.satisfaction_score
        end) as avg_satisfaction_last_180d
    from order_history
    inner join ticket_states
        on
            order_history.customer_id = ticket_states.customer_id
            and order_history.as_of_date >= ticket_states.valid_from_date
            and order_history.as_of_date
            < coalesce(ticket_states.valid_to_date, cast('9999-12-31' as date))
    group by order_history.customer_id, order_history.as_of_date
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
            -- the version in force at the end of the as-of date (in the reporting time zone)
            and {{ reporting_date('customer_versions.valid_from') }} <= order_history.as_of_date
            and (
                customer_versions.valid_to is null
                or {{ reporting_date('customer_versions.valid_to') }} > order_history.as_of_date
            )
),

-- which source records the customer was made of as of the date (macro md5_bigint)
identity_as_of as (
    select
        order_history.customer_id,
        order_history.as_of_date,
        {{ set_signature('identities.node_key') }} as identity_signature
    from order_history
    inner join identities
        on
            order_history.customer_id = identities.customer_id
            and order_history.as_of_date >= identities.first_delivered_date
    group by order_history.customer_id, order_history.as_of_date
),

computed as (
    select
        -- ids
        cast(order_history.customer_id as {{ dbt.type_string() }}) as customer_id,

        -- dates
        order_history.as_of_date,

        -- numerics
        cast({{ dbt.datediff(
            'coalesce(least(' ~ reporting_date('profile_as_of.signup_at') ~ ', order_history.first_order_date), order_history.first_order_date)',
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
        cast(coalesce(identity_as_of.identity_signature, 0) as bigint) as identity_signature,

        -- strings
        cast(profile_as_of.tier as {{ dbt.type_string() }}) as tier,
        cast(profile_as_of.country_code as {{ dbt.type_string() }}) as country_code,

        -- booleans
        profile_as_of.has_marketing_consent,
        case
            when
                {{ dbt.dateadd('day', horizon, 'order_history.as_of_date') }}
                > order_history.run_as_of_date then null
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
    left join identity_as_of
        on
            order_history.customer_id = identity_as_of.customer_id
            and order_history.as_of_date = identity_as_of.as_of_date
    where not coalesce(profile_as_of.is_deleted, false)
),

{%- if is_incremental() %}

    -- the stored rows with their label now known; every other column as stored
    relabelled as (
        select
            labels_to_update.customer_id,
            labels_to_update.as_of_date,
            labels_to_update.tenure_days,
            labels_to_update.days_since_last_order,
            labels_to_update.orders_last_30d,
            labels_to_update.orders_last_90d,
            labels_to_update.orders_total,
            labels_to_update.revenue_last_90d,
            labels_to_update.revenue_total,
            labels_to_update.avg_order_value,
            labels_to_update.sessions_last_30d,
            labels_to_update.sessions_last_90d,
            labels_to_update.days_since_last_session,
            labels_to_update.tickets_last_90d,
            labels_to_update.open_tickets,
            labels_to_update.avg_satisfaction_last_180d,
            labels_to_update.identity_signature,
            labels_to_update.tier,
            labels_to_update.country_code,
            labels_to_update.has_marketing_consent,
            coalesce(future_orders.orders_in_horizon, 0) = 0 as is_churned
        from labels_to_update
        left join future_orders
            on
                labels_to_update.customer_id = future_orders.customer_id
                and labels_to_update.as_of_date = future_orders.as_of_date
    ),

    final as (
        select * from computed
        union all
        select * from relabelled
    )
{%- else %}

    final as (
        select * from computed
    )
{%- endif %}

select
    final.*,
    -- the label window this run computes labels with (stored rows keep theirs)
    {{ horizon }} as churn_horizon_days,
    {{ reporting_time_zone_column() }}
from final
