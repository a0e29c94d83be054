-- Every bronze ticket change (change data feed row), with its data-quality verdict
-- (an append-only table: base models).

with source as (
    select * from {{ ref('brz_support__ticket_changes') }}
    {%- if is_incremental() %}
        where _ingested_at > {{ last_ingested_at() }}
    {%- endif %}
),

country_dial_codes as (
    select * from {{ ref('country_dial_codes') }}
),

renamed as (
    select
        -- ids
        {{ checked_landing_table('support.ticket_changes').key_expression }} as ticket_id,

        -- the requester's contact points
        {{ trimmed_or_null('source.requester_email') }} as requester_email,
        {{ normalised_email('source.requester_email') }} as email_normalised,
        {{ trimmed_or_null('source.requester_phone') }} as requester_phone,

        -- strings
        lower(source.category) as category,
        lower(source.priority) as priority,
        lower(source.status) as ticket_status,
        lower(source.channel) as channel,
        source._change_type as change_type,

        -- numerics
        source.satisfaction_score,
        source._commit_version as commit_version,

        -- timestamps
        cast(source.created_at as timestamp) as created_at,
        cast(source.updated_at as timestamp) as updated_at,
        cast(source._commit_timestamp as timestamp) as committed_at,

        -- a value there that its type cannot hold (rescued in bronze), by column
        {{ unreadable_landing_values(
            'support.ticket_changes', ['satisfaction_score', 'created_at', 'updated_at']
        ) }} as _unreadable_values,

        -- lineage
        source._rescued_data,
        {{ row_hash(raw_record_columns('support.ticket_changes')) }}
            as _raw_record_hash,
        source._record_id,
        source._source_file,
        source._ingested_at
    from source
),

with_phone_numbers as (
    {{ with_phone_numbers('renamed', 'requester_phone', 'country_dial_codes') | indent(4) }}
),

-- the ticket's state after the change: the one definition of an open ticket
flagged as (
    select
        *,
        change_type = 'delete' as is_deleted,
        ticket_status in ('new', 'open', 'pending') and change_type != 'delete' as is_open
    from with_phone_numbers
),

checked as (
    select
        *,
        {{ dq_expectations([
            {'name': 'ticket_id_present', 'severity': 'drop',
             'expect': 'ticket_id is not null', 'reason': 'ticket_id is missing'},
            {'name': 'ids_are_exact', 'severity': 'drop',
             'expect': ids_are_exact(['ticket_id']), 'reason': inexact_ids_reason('ticket_id')},
            {'name': 'change_type_is_known', 'severity': 'drop',
             'expect': "change_type in ('insert', 'update_preimage', 'update_postimage', 'delete')",
             'reason': 'change_type is not a change data feed type'},
            {'name': 'commit_version_present', 'severity': 'drop',
             'expect': 'commit_version is not null and committed_at is not null',
             'reason': 'commit version or timestamp is missing: the change cannot be ordered'},
            {'name': 'timestamps_plausible', 'severity': 'drop',
             'expect': timestamp_is_plausible('committed_at')
                ~ ' and (created_at is null or ' ~ timestamp_is_plausible('created_at') ~ ')',
             'reason': implausible_timestamp_reason('_commit_timestamp or created_at')},
            {'name': 'ticket_status_is_known', 'severity': 'drop',
             'expect': "is_deleted or ticket_status in ('new', 'open', 'pending', 'solved', 'closed')",
             'reason': 'status is missing or not one of new, open, pending, solved, closed: whether the ticket is open cannot be told'},
            {'name': 'ticket_has_requester', 'severity': 'warn',
             'expect': 'is_deleted or requester_email is not null or requester_phone is not null'},
            {'name': 'email_is_valid', 'severity': 'warn',
             'expect': 'is_deleted or requester_email is null or email_normalised is not null'},
            {'name': 'phone_is_exact', 'severity': 'warn',
             'expect': 'not ' ~ number_in_scientific_notation('requester_phone')},
            {'name': 'values_are_readable', 'severity': 'warn',
             'expect': '_unreadable_values is null'},
            {'name': 'satisfaction_score_in_range', 'severity': 'warn',
             'expect': 'satisfaction_score is null or satisfaction_score between 1 and 5'},
        ]) }}
    from flagged
)

select * from checked
