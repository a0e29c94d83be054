-- Every bronze web event, standardised, with its data-quality verdict (an append-only table:
-- base models).

with source as (
    select * from {{ ref('brz_web__events') }}
    {%- if is_incremental() %}
        where _ingested_at > {{ last_ingested_at() }}
    {%- endif %}
),

renamed as (
    select
        -- ids
        {{ checked_landing_table('web.events').key_expression }} as event_id,
        {{ trimmed_or_null('source.anonymous_id') }} as anonymous_id,
        -- null: not logged in
        {{ reference_or_null('source.shop_account_id') }} as shop_account_id,
        source.product_id,
        source.order_id,

        -- strings
        lower(source.event_type) as event_type,
        source.page_url,
        lower(source.utm_source) as utm_source,
        lower(source.utm_medium) as utm_medium,
        lower(source.utm_campaign) as utm_campaign,
        lower(source.referrer) as referrer,
        lower(source.device_type) as device_type,

        -- timestamps
        cast(source.event_at as timestamp) as event_at,

        -- lineage
        source._rescued_data,
        {{ row_hash(raw_record_columns('web.events')) }}
            as _raw_record_hash,
        source._record_id,
        source._source_file,
        source._ingested_at
    from source
),

checked as (
    select
        *,
        {{ dq_expectations([
            {'name': 'event_id_present', 'severity': 'drop',
             'expect': 'event_id is not null', 'reason': 'event_id is missing'},
            {'name': 'ids_are_exact', 'severity': 'drop',
             'expect': ids_are_exact(['event_id', 'shop_account_id', 'order_id']), 'reason': inexact_ids_reason('event_id, shop_account_id or order_id')},
            {'name': 'event_at_present', 'severity': 'drop',
             'expect': 'event_at is not null', 'reason': 'event_at is missing'},
            {'name': 'timestamps_plausible', 'severity': 'drop',
             'expect': timestamp_is_plausible('event_at'),
             'reason': implausible_timestamp_reason('event_at')},
            {'name': 'anonymous_id_present', 'severity': 'drop',
             'expect': 'anonymous_id is not null', 'reason': 'anonymous_id is missing'},
            {'name': 'event_type_is_known', 'severity': 'warn',
             'expect': "event_type in ('page_view', 'product_view', 'add_to_cart', 'checkout', 'purchase')"},
        ]) }}
    from renamed
)

select * from checked
