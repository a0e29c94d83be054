-- The current version of every catalog product (history in the products snapshot).
{{ config(unique_key='product_id') }}
{{ assert_reporting_currency_unchanged() }}
{{ assert_reporting_time_zone_unchanged() }}

with new_records as (
    select * from {{ ref('base_ecommerce__products') }}
    where
        not _is_quarantined
        {%- if is_incremental() %}
            and _ingested_at > {{ last_ingested_at() }}
        {%- endif %}
),

staged as (
    select
        -- ids
        product_id,

        -- strings
        product_name,
        category,
        brand,
        currency_code,
        reporting_currency,
        reporting_time_zone,

        -- numerics
        list_price,
        list_price_reporting,

        -- booleans
        is_active,

        -- timestamps
        updated_at,

        -- lineage
        _dq_warnings,
        _record_id,
        _source_file,
        _ingested_at
    from new_records
),

candidates as (
    {{ union_current_versions('staged', 'product_id') }}
),

latest as (
    {{ latest_version_per_key('candidates', 'product_id', 'updated_at desc') }}
),

final as (
    select * from latest
)

select * from final
