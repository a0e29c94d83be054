-- Support tickets with the change data feed applied: the state of each ticket after its
-- highest commit version, whatever order the changes arrived in and however often.
-- A ticket whose last change is a delete stays, flagged is_deleted (soft delete).
{{ config(unique_key='ticket_id') }}

with new_changes as (
    select * from {{ ref('base_support__ticket_changes') }}
    where
        not _is_quarantined
        -- pre-images describe the state before an update; the post-image carries the state
        and change_type != 'update_preimage'
        {%- if is_incremental() %}
            and _ingested_at > {{ last_ingested_at() }}
        {%- endif %}
),

staged as (
    select
        -- ids
        ticket_id,

        -- the requester's contact points
        requester_email,
        email_normalised,
        requester_phone,
        phone_e164,
        phone_national_number,

        -- strings
        category,
        priority,
        ticket_status,
        channel,
        change_type as last_change_type,

        -- numerics
        satisfaction_score,
        commit_version,

        -- booleans
        is_deleted,
        is_open,

        -- timestamps
        created_at,
        updated_at,
        committed_at,
        case when is_deleted then committed_at end as deleted_at,

        -- lineage
        _dq_warnings,
        _record_id,
        _source_file,
        _ingested_at
    from new_changes
),

candidates as (
    {{ union_current_versions('staged', 'ticket_id') }}
),

latest as (
    {{ latest_version_per_key('candidates', 'ticket_id', 'commit_version desc') }}
),

-- the changes that carry the ticket's state (a status): all but a delete written with its key
-- alone, which some change feeds send
stateful as (
    select * from candidates
    where ticket_status is not null
),

last_states as (
    {{ latest_version_per_key('stateful', 'ticket_id', 'commit_version desc') }}
),

-- a delete without a state keeps the ticket's last known one, flagged is_deleted: its status,
-- requester (identity resolution links the ticket by it), category and dates; the columns in
-- the order of `staged` (union_current_versions unions the stored table by position)
stateless_deletes as (
    select
        latest.ticket_id,
        last_states.requester_email,
        last_states.email_normalised,
        last_states.requester_phone,
        last_states.phone_e164,
        last_states.phone_national_number,
        last_states.category,
        last_states.priority,
        last_states.ticket_status,
        last_states.channel,
        latest.last_change_type,
        last_states.satisfaction_score,
        latest.commit_version,
        latest.is_deleted,
        latest.is_open,
        last_states.created_at,
        last_states.updated_at,
        latest.committed_at,
        latest.deleted_at,
        latest._dq_warnings,
        latest._record_id,
        latest._source_file,
        latest._ingested_at
    from latest
    left join last_states
        on latest.ticket_id = last_states.ticket_id
    where latest.ticket_status is null
),

final as (
    select * from latest
    where ticket_status is not null
    union all
    select * from stateless_deletes
)

select * from final
