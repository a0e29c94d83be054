-- The current version of every order (latest status), amounts in the reporting currency.
{{ config(unique_key='order_id') }}
{{ assert_reporting_currency_unchanged() }}
{{ assert_reporting_time_zone_unchanged() }}

with new_records as (
    select * from {{ ref('base_ecommerce__orders') }}
    where
        not _is_quarantined
        {%- if is_incremental() %}
            and _ingested_at > {{ last_ingested_at() }}
        {%- endif %}
),

staged as (
    select
        -- ids
        order_id,
        -- null: a guest checkout
        shop_account_id,

        -- strings
        order_status,
        -- the sales channel gold reports: unknown when the export had none, or one silver
        -- let through with the warning channel_is_known
        case
            when channel in ('web', 'app', 'marketplace') then channel
            else 'unknown'
        end as channel,
        currency_code,
        reporting_currency,
        reporting_time_zone,
        coupon_code,
        email,
        email_normalised,
        phone,
        phone_e164,
        phone_national_number,

        -- numerics
        order_total,
        shipping_amount,
        fx_rate_to_reporting,
        order_total_reporting,
        shipping_amount_reporting,

        -- booleans
        order_status = 'cancelled' as is_cancelled,
        order_status = 'returned' as is_returned,
        -- the one definition of a completed purchase: neither cancelled nor returned
        order_status not in ('cancelled', 'returned') as is_completed_purchase,

        -- dates and timestamps
        {{ reporting_date('ordered_at') }} as order_date,
        ordered_at,
        updated_at,

        -- lineage
        _dq_warnings,
        _record_id,
        _source_file,
        _ingested_at
    from new_records
),

candidates as (
    {{ union_current_versions('staged', 'order_id') }}
),

latest as (
    {{ latest_version_per_key('candidates', 'order_id', 'updated_at desc') }}
),

final as (
    select * from latest
)

select * from final
