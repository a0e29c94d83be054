-- Identity stitching: each browser (anonymous_id) that ever logged in, mapped to the
-- customer it logged in as most recently. Sessions of that browser before the login are
-- attributed to the same customer.
{{ config(materialized='incremental', incremental_strategy='merge', unique_key='anonymous_id') }}

with logged_in_events as (
    select * from {{ ref('stg_web__events') }}
    where
        customer_id is not null
        {%- if is_incremental() %}
            and _ingested_at > {{ last_ingested_at() }}
        {%- endif %}
),

logins as (
    select
        anonymous_id,
        customer_id,
        event_at as last_login_at,
        _ingested_at,
        event_id as _record_id
    from logged_in_events
),

candidates as (
    {{ union_current_versions('logins', 'anonymous_id') }}
),

latest as (
    {{ latest_version_per_key('candidates', 'anonymous_id', 'last_login_at desc') }}
),

final as (
    select * from latest
)

select * from final
