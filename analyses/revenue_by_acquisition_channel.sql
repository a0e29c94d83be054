-- Revenue by acquisition channel: customers grouped by the utm_source/utm_medium of their
-- first web session (direct / none when they had no tagged session), with their lifetime
-- revenue, purchases and the share still active.

with customers as (
    select * from {{ ref('customer_360') }}
),

final as (
    select
        coalesce(acquisition_source, '(direct or none)') as acquisition_source,
        coalesce(acquisition_medium, '(none)') as acquisition_medium,
        count(*) as customers,
        sum(case when purchases_count > 0 then 1 else 0 end) as buying_customers,
        sum(lifetime_revenue_reporting) as lifetime_revenue_reporting,
        round(avg(lifetime_revenue_reporting), 2) as avg_revenue_per_customer_reporting,
        round(avg(case when is_active then 1.0 else 0.0 end), 3) as active_share
    from customers
    group by 1, 2
)

select * from final
order by lifetime_revenue_reporting desc
