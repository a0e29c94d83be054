-- Every bronze crosswalk record (CRM contact -> shop account), typed, with its data-quality
-- verdict (an append-only table: base models).
-- stg_crm__account_links and dq_quarantine read the new records from it.

with source as (
    select * from {{ ref('brz_crm__account_links') }}
    {%- if is_incremental() %}
        where _ingested_at > {{ last_ingested_at() }}
    {%- endif %}
),

renamed as (
    select
        -- ids
        {{ trimmed_or_null('source.crm_id') }} as crm_id,
        {{ trimmed_or_null('source.shop_account_id') }} as shop_account_id,
        {{ checked_landing_table('crm.account_links').key_expression }} as account_link_id,

        -- booleans
        -- a row that removes the link; a value that is there but not a boolean removes
        -- nothing (warn rule values_are_readable)
        coalesce(
            {{ dbt.safe_cast(landing_value('crm.account_links', 'is_deleted'), 'boolean') }},
            false
        ) as is_deleted,

        -- timestamps
        {{ timestamp_from_text('source.linked_at') }} as linked_at,

        -- lineage
        {{ unreadable_landing_values('crm.account_links', ['is_deleted']) }}
            as _unreadable_values,
        source._is_malformed,
        source._rescued_data,
        {{ row_hash(raw_record_columns('crm.account_links')) }}
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
            {'name': 'record_is_parseable', 'severity': 'drop',
             'expect': 'not _is_malformed', 'reason': unparseable_csv_row_reason()},
            {'name': 'crm_id_present', 'severity': 'drop',
             'expect': 'crm_id is not null', 'reason': 'crm_id is missing'},
            {'name': 'shop_account_id_present', 'severity': 'drop',
             'expect': 'shop_account_id is not null', 'reason': 'shop_account_id is missing'},
            {'name': 'ids_are_exact', 'severity': 'drop',
             'expect': ids_are_exact(['crm_id', 'shop_account_id']), 'reason': inexact_ids_reason('crm_id or shop_account_id')},
            {'name': 'linked_at_is_plausible', 'severity': 'warn',
             'expect': 'linked_at is null or ' ~ timestamp_is_plausible('linked_at')},
            {'name': 'values_are_readable', 'severity': 'warn',
             'expect': '_unreadable_values is null'},
        ]) }}
    from renamed
)

select * from checked
