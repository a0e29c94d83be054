-- CRM contacts sent again after a tombstone as another person: the version after the delete
-- has another signup date than the last version before it, or another email and another
-- last name. A CRM that gives a deleted contact's crm_id to a new person (a reused sequence,
-- a merged tenant) makes the new person inherit the deleted contact's customer: its account
-- links, orders and history. A contact restored as it was is no finding. Returns each such
-- contact with both versions; severity warn. Ask the CRM's owner whether ids are reused; the
-- new person needs an id of its own.
{{ config(severity='warn') }}

with versions as (
    select
        crm_id,
        updated_at,
        is_deleted,
        signup_at,
        email_normalised,
        lower(last_name) as last_name,
        _source_file,
        _ingested_at,
        _record_id,
        lag(is_deleted) over (
            partition by crm_id order by updated_at, _ingested_at, _record_id
        ) as follows_a_delete
    from {{ ref('base_crm__customers') }}
    where not _is_quarantined
),

-- each living version with the living version before it (before the tombstone, when it
-- follows one)
living as (
    select
        *,
        lag(updated_at) over (
            partition by crm_id order by updated_at, _ingested_at, _record_id
        ) as previous_updated_at,
        lag(signup_at) over (
            partition by crm_id order by updated_at, _ingested_at, _record_id
        ) as previous_signup_at,
        lag(email_normalised) over (
            partition by crm_id order by updated_at, _ingested_at, _record_id
        ) as previous_email_normalised,
        lag(last_name) over (
            partition by crm_id order by updated_at, _ingested_at, _record_id
        ) as previous_last_name
    from versions
    where not is_deleted
),

reused as (
    select
        crm_id,
        previous_updated_at as deleted_version_updated_at,
        updated_at as revived_at,
        _source_file as revived_in_file,
        previous_signup_at,
        signup_at,
        previous_email_normalised,
        email_normalised,
        previous_last_name,
        last_name
    from living
    where
        follows_a_delete
        and (
            previous_signup_at <> signup_at
            or (
                previous_email_normalised <> email_normalised
                and previous_last_name <> last_name
            )
        )
)

select * from reused
