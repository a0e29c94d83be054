-- Tickets whose change with the highest _commit_version is not their latest by commit time. A
-- change data feed numbers its commits in time order, and stg_support__tickets applies the
-- highest version; a feed whose versions start again at 1 (the source table recreated, or
-- another table's feed) makes a later change lose to an earlier one. Returns each such ticket
-- with the version and commit time of both changes; severity warn: the build goes on and says
-- how many tickets keep an earlier state.
{{ config(severity='warn') }}

with changes as (
    select * from {{ ref('base_support__ticket_changes') }}
    where not _is_quarantined
),

ranked as (
    select
        ticket_id,
        max(commit_version) as latest_version,
        max(committed_at) as latest_committed_at
    from changes
    group by ticket_id
    having count(*) > 1
),

out_of_order as (
    select
        ranked.ticket_id,
        ranked.latest_version,
        ranked.latest_committed_at,
        max(changes.committed_at) as latest_version_committed_at
    from ranked
    inner join changes
        on
            ranked.ticket_id = changes.ticket_id
            and ranked.latest_version = changes.commit_version
    group by ranked.ticket_id, ranked.latest_version, ranked.latest_committed_at
    having max(changes.committed_at) < ranked.latest_committed_at
)

select * from out_of_order
