-- Revenue reconciles across layers, to the cent: gross revenue (orders not cancelled), net
-- revenue (orders neither cancelled nor returned) and the order count computed directly from
-- stg_ecommerce__orders equal those of fct_orders, of revenue_daily and of revenue_monthly;
-- and every month × country × channel of revenue_monthly equals the sum of its days in
-- revenue_daily. Returns one row per disagreement.

with silver_orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

revenue_daily as (
    select * from {{ ref('revenue_daily') }}
),

revenue_monthly as (
    select * from {{ ref('revenue_monthly') }}
),

totals as (
    select
        'stg_ecommerce__orders' as layer,
        count(*) as orders_count,
        coalesce(sum(
            case when is_cancelled then 0 else order_total_reporting end
        ), 0) as gross_revenue_reporting,
        coalesce(sum(
            case when is_completed_purchase then order_total_reporting else 0 end
        ), 0) as net_revenue_reporting
    from silver_orders

    union all

    select
        'fct_orders' as layer,
        count(*) as orders_count,
        coalesce(sum(case when is_cancelled then 0 else order_total_reporting end), 0)
            as gross_revenue_reporting,
        coalesce(sum(net_revenue_reporting), 0) as net_revenue_reporting
    from fct_orders

    union all

    select
        'revenue_daily' as layer,
        coalesce(sum(orders_count), 0) as orders_count,
        coalesce(sum(gross_revenue_reporting), 0) as gross_revenue_reporting,
        coalesce(sum(net_revenue_reporting), 0) as net_revenue_reporting
    from revenue_daily

    union all

    select
        'revenue_monthly' as layer,
        coalesce(sum(orders_count), 0) as orders_count,
        coalesce(sum(gross_revenue_reporting), 0) as gross_revenue_reporting,
        coalesce(sum(net_revenue_reporting), 0) as net_revenue_reporting
    from revenue_monthly
),

silver_totals as (
    select * from totals
    where layer = 'stg_ecommerce__orders'
),

total_mismatches as (
    select
        totals.layer,
        cast(null as date) as order_month,
        cast(null as {{ dbt.type_string() }}) as country_code,
        cast(null as {{ dbt.type_string() }}) as channel,
        totals.orders_count,
        silver_totals.orders_count as expected_orders_count,
        totals.gross_revenue_reporting,
        silver_totals.gross_revenue_reporting as expected_gross_revenue_reporting,
        totals.net_revenue_reporting,
        silver_totals.net_revenue_reporting as expected_net_revenue_reporting
    from totals
    cross join silver_totals
    where
        totals.orders_count <> silver_totals.orders_count
        or totals.gross_revenue_reporting <> silver_totals.gross_revenue_reporting
        or totals.net_revenue_reporting <> silver_totals.net_revenue_reporting
),

daily_by_month as (
    select
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as order_month,
        country_code,
        channel,
        sum(orders_count) as orders_count,
        sum(gross_revenue_reporting) as gross_revenue_reporting,
        sum(net_revenue_reporting) as net_revenue_reporting
    from revenue_daily
    group by 1, 2, 3
),

monthly_mismatches as (
    select
        'revenue_monthly vs revenue_daily' as layer,
        coalesce(revenue_monthly.order_month, daily_by_month.order_month) as order_month,
        coalesce(revenue_monthly.country_code, daily_by_month.country_code) as country_code,
        coalesce(revenue_monthly.channel, daily_by_month.channel) as channel,
        revenue_monthly.orders_count,
        daily_by_month.orders_count as expected_orders_count,
        revenue_monthly.gross_revenue_reporting,
        daily_by_month.gross_revenue_reporting as expected_gross_revenue_reporting,
        revenue_monthly.net_revenue_reporting,
        daily_by_month.net_revenue_reporting as expected_net_revenue_reporting
    from revenue_monthly
    full outer join daily_by_month
        on
            revenue_monthly.order_month = daily_by_month.order_month
            and revenue_monthly.country_code = daily_by_month.country_code
            and revenue_monthly.channel = daily_by_month.channel
    where
        revenue_monthly.order_month is null
        or daily_by_month.order_month is null
        or revenue_monthly.orders_count <> daily_by_month.orders_count
        or revenue_monthly.gross_revenue_reporting <> daily_by_month.gross_revenue_reporting
        or revenue_monthly.net_revenue_reporting <> daily_by_month.net_revenue_reporting
),

final as (
    select * from total_mismatches

    union all

    select * from monthly_mismatches
)

select * from final
