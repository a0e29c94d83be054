-- The product dimension: the current version of every catalog product. Its history is in
-- the products snapshot.

with products as (
    select * from {{ ref('stg_ecommerce__products') }}
),

final as (
    select
        -- ids
        product_id,

        -- strings
        product_name,
        category,
        brand,
        currency_code,
        cast({{ reporting_currency() }} as {{ dbt.type_string() }}) as reporting_currency,

        -- numerics
        list_price,
        list_price_reporting,

        -- booleans
        is_active,

        -- timestamps
        updated_at
    from products
)

select * from final
