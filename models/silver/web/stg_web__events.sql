-- Every web event once (collector duplicates removed), late events included.
{{ config(unique_key='event_id') }}
{{ assert_reporting_time_zone_unchanged() }}

with new_records as (
    select * from {{ ref('base_web__events') }}
    where
        not _is_quarantined
        {%- if is_incremental() %}
            and _ingested_at > {{ last_ingested_at() }}
        {%- endif %}
),

staged as (
    select
        -- ids
        event_id,
        anonymous_id,
        shop_account_id,
        product_id,
        order_id,

        -- strings
        event_type,
        page_url,
        utm_source,
        utm_medium,
        utm_campaign,
        referrer,
        device_type,

        -- dates and timestamps
        {{ reporting_date('event_at') }} as event_date,
        {{ reporting_time_zone_column() }},
        event_at,

        -- lineage
        _dq_warnings,
        _record_id,
        _source_file,
        _ingested_at
    from new_records
),

candidates as (
    {{ union_current_versions('staged', 'event_id') }}
),

latest as (
    {{ latest_version_per_key('candidates', 'event_id', 'event_at desc') }}
),

final as (
    select * from latest
)

select * from final
