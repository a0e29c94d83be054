{#- SCD2 history of the product catalog (price, status, naming changes). -#}
{% snapshot snp_ecommerce__products %}
{{ config(
    unique_key='product_id',
    strategy='timestamp',
    updated_at='updated_at',
    hard_deletes='invalidate',
) }}

    select
        product_id,
        product_name,
        category,
        brand,
        currency_code,
        reporting_currency,
        list_price,
        list_price_reporting,
        is_active,
        updated_at
    from {{ ref('stg_ecommerce__products') }}

{% endsnapshot %}
