-- Sales and web engagement per product, over the whole history: every catalog product
-- (sold or not) and every product sold that the catalog lacks. Sales count the lines of
-- orders that were not cancelled (returned orders are sold, then returned); lines without
-- a product_id cannot be attributed and are left out. Amounts are line amounts in the
-- reporting currency, without shipping.
-- Over 150 lines on purpose: a wide contracted mart (22 columns, each cast once in
-- measures) over three inputs (catalog, sold lines, product events), one CTE each.

with products as (
    select * from {{ ref('dim_products') }}
),

order_items as (
    select * from {{ ref('fct_order_items') }}
),

events as (
    select * from {{ ref('stg_web__events') }}
),

sold_items as (
    select * from order_items
    where
        product_id is not null
        and not is_cancelled
),

sales_by_product as (
    select
        product_id,
        sum(quantity) as units_sold,
        sum(case when is_returned then quantity else 0 end) as returned_units,
        count(distinct order_id) as orders_count,
        count(distinct customer_id) as customers_count,
        sum(line_amount_reporting) as gross_revenue_reporting,
        sum(
            case when is_returned then line_amount_reporting else 0 end
        ) as returned_revenue_reporting,
        min(order_date) as first_sold_date,
        max(order_date) as last_sold_date
    from sold_items
    group by 1
),

engagement_by_product as (
    select
        product_id,
        sum(case when event_type = 'product_view' then 1 else 0 end) as product_views,
        sum(case when event_type = 'add_to_cart' then 1 else 0 end) as add_to_cart_count
    from events
    where
        product_id is not null
        and event_type in ('product_view', 'add_to_cart')
    group by 1
),

-- the catalog, plus the products sold that the catalog lacks
all_product_ids as (
    select product_id from products

    union distinct

    select product_id from sales_by_product
),

joined as (
    select
        all_product_ids.product_id,
        products.product_name,
        products.category,
        products.brand,
        products.list_price_reporting,
        products.is_active,
        sales_by_product.first_sold_date,
        sales_by_product.last_sold_date,
        coalesce(sales_by_product.units_sold, 0) as units_sold,
        coalesce(sales_by_product.returned_units, 0) as returned_units,
        coalesce(sales_by_product.orders_count, 0) as orders_count,
        coalesce(sales_by_product.customers_count, 0) as customers_count,
        coalesce(sales_by_product.gross_revenue_reporting, 0) as gross_revenue_reporting,
        coalesce(sales_by_product.returned_revenue_reporting, 0) as returned_revenue_reporting,
        coalesce(engagement_by_product.product_views, 0) as product_views,
        coalesce(engagement_by_product.add_to_cart_count, 0) as add_to_cart_count,
        products.product_id is not null as is_in_catalog
    from all_product_ids
    left join products
        on all_product_ids.product_id = products.product_id
    left join sales_by_product
        on all_product_ids.product_id = sales_by_product.product_id
    left join engagement_by_product
        on all_product_ids.product_id = engagement_by_product.product_id
),

measures as (
    select
        product_id,
        product_name,
        category,
        brand,
        list_price_reporting,
        is_in_catalog,
        is_active,
        first_sold_date,
        last_sold_date,
        cast(units_sold as bigint) as units_sold,
        cast(returned_units as bigint) as returned_units,
        cast(orders_count as bigint) as orders_count,
        cast(customers_count as bigint) as customers_count,
        cast(gross_revenue_reporting as decimal(18, 2)) as gross_revenue_reporting,
        cast(returned_revenue_reporting as decimal(18, 2)) as returned_revenue_reporting,
        cast(
            gross_revenue_reporting - returned_revenue_reporting as decimal(18, 2)
        ) as net_revenue_reporting,
        cast(returned_units / nullif(units_sold, 0) as double) as return_rate,
        cast(product_views as bigint) as product_views,
        cast(add_to_cart_count as bigint) as add_to_cart_count,
        cast(orders_count / nullif(product_views, 0) as double) as purchase_conversion_rate,
        cast(
            rank() over (partition by category order by gross_revenue_reporting desc) as integer
        ) as category_revenue_rank
    from joined
),

final as (
    select
        -- ids
        product_id,

        -- strings
        product_name,
        category,
        brand,
        cast({{ reporting_currency() }} as {{ dbt.type_string() }}) as reporting_currency,

        -- numerics
        list_price_reporting,
        units_sold,
        returned_units,
        orders_count,
        customers_count,
        gross_revenue_reporting,
        returned_revenue_reporting,
        net_revenue_reporting,
        return_rate,
        product_views,
        add_to_cart_count,
        purchase_conversion_rate,
        category_revenue_rank,

        -- booleans
        is_in_catalog,
        is_active,

        -- dates
        first_sold_date,
        last_sold_date
    from measures
)

select * from final
