-- The crosswalk of CRM contacts to shop accounts: one row per link, merged incrementally.
{{ config(unique_key='account_link_id') }}

with new_records as (
    select * from {{ ref('base_crm__account_links') }}
    where
        not _is_quarantined
        {%- if is_incremental() %}
            and _ingested_at > {{ last_ingested_at() }}
        {%- endif %}
),

staged as (
    select
        -- ids
        account_link_id,
        crm_id,
        shop_account_id,

        -- timestamps
        linked_at,

        -- lineage
        _dq_warnings,
        _record_id,
        _source_file,
        _ingested_at
    from new_records
),

candidates as (
    {{ union_current_versions('staged', 'account_link_id') }}
),

-- a link exported again is the same link: it keeps the time it was first made
earliest as (
    {{ latest_version_per_key('candidates', 'account_link_id', 'linked_at asc nulls last') }}
),

final as (
    select * from earliest
)

select * from final
