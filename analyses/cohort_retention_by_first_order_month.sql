-- Cohort retention: of the customers whose first order fell in a month, the share who
-- ordered again in each following month (month 0 = the first-order month).

with orders as (
    select * from {{ ref('fct_orders') }}
),

customer_months as (
    select distinct
        customer_id,
        {{ dbt.date_trunc('month', 'order_date') }} as order_month
    from orders
    where not is_cancelled
),

cohorts as (
    select
        customer_id,
        min(order_month) as cohort_month
    from customer_months
    group by customer_id
),

activity as (
    select
        cohorts.cohort_month,
        {{ dbt.datediff('cohorts.cohort_month', 'customer_months.order_month', 'month') }}
            as months_since_first_order,
        count(distinct customer_months.customer_id) as active_customers
    from customer_months
    inner join cohorts
        on customer_months.customer_id = cohorts.customer_id
    group by 1, 2
),

cohort_sizes as (
    select
        cohort_month,
        count(*) as cohort_customers
    from cohorts
    group by cohort_month
),

final as (
    select
        activity.cohort_month,
        cohort_sizes.cohort_customers,
        activity.months_since_first_order,
        activity.active_customers,
        round(activity.active_customers * 1.0 / cohort_sizes.cohort_customers, 3)
            as retention_rate
    from activity
    inner join cohort_sizes
        on activity.cohort_month = cohort_sizes.cohort_month
)

select * from final
order by cohort_month, months_since_first_order
