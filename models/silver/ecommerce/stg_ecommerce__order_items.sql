-- Every order line, once. Prices stay in the order's currency (converted in fct_order_items).
{{ config(unique_key='order_item_id') }}

with new_records as (
    select * from {{ ref('base_ecommerce__order_items') }}
    where
        not _is_quarantined
        {%- if is_incremental() %}
            and _ingested_at > {{ last_ingested_at() }}
        {%- endif %}
),

staged as (
    select
        -- ids
        order_item_id,
        order_id,
        product_id,

        -- numerics
        line_number,
        quantity,
        unit_price,
        cast(quantity * unit_price as decimal(18, 2)) as line_amount,

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
    {{ union_current_versions('staged', 'order_item_id') }}
),

latest as (
    {{ latest_version_per_key('candidates', 'order_item_id', 'updated_at desc') }}
),

final as (
    select * from latest
)

select * from final
