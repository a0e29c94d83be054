-- The state every support ticket was in at the end of each day: one row per state, in force
-- from valid_from_date to valid_to_date (exclusive; null while current). churn_features reads
-- the state in force at each as-of date.
--
-- The rule, the same as stg_support__tickets' for the current state: at the end of a day, a
-- ticket is in the state of its change with the highest commit_version committed on or
-- before that day (ties: the highest _record_id, the copy delivered last); pre-images are
-- never applied. So a change is in force from its commit date until the first commit date of
-- a change that beats it (higher commit_version, or the same with a higher _record_id). A change
-- beaten on or before its own commit date is never in force and is left out, so a ticket's
-- states do not overlap.

with ticket_changes as (
    select * from {{ ref('base_support__ticket_changes') }}
    where
        not _is_quarantined
        and change_type != 'update_preimage'
),

identities as (
    select * from {{ ref('int_customer_identities') }}
    where node_type = 'ticket'
),

dated as (
    select
        ticket_changes.*,
        identities.customer_id,
        {{ reporting_date('ticket_changes.committed_at') }} as valid_from_date,
        -- the changes that beat this one are the ones after it in this order
        min({{ reporting_date('ticket_changes.committed_at') }}) over (
            partition by ticket_changes.ticket_id
            order by ticket_changes.commit_version asc, ticket_changes._record_id asc
            rows between 1 following and unbounded following
        ) as valid_to_date
    from ticket_changes
    left join identities
        on ticket_changes.ticket_id = identities.source_id
),

final as (
    select
        -- ids
        ticket_id,
        customer_id,

        -- strings
        ticket_status,
        change_type,

        -- numerics
        satisfaction_score,
        commit_version,

        -- booleans
        is_open,
        is_deleted,

        -- dates and timestamps
        valid_from_date,
        valid_to_date,
        created_at,
        committed_at
    from dated
    where valid_to_date is null or valid_to_date > valid_from_date
)

select * from final
