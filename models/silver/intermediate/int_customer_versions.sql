-- Every accepted version of every customer's CRM contacts with its validity interval, from
-- all the versions bronze ever received (not only those a snapshot happened to see). Used
-- for point-in-time attributes: a fact at time t takes the version with
-- valid_from <= t < valid_to. A customer with several contacts (one entered twice) has one
-- timeline: a version is in force until the next version of any of the customer's contacts,
-- so the contact updated last speaks for the customer. Deleting a contact that is not the
-- customer's last does not end the customer: tombstones are left out of the timeline unless
-- every contact of the customer is deleted. Deterministic: a full refresh rebuilds the same
-- history.

with versions as (
    select * from {{ ref('base_crm__customers') }}
    where not _is_quarantined
),

identities as (
    select * from {{ ref('int_customer_identities') }}
    where node_type = 'crm'
),

contacts as (
    select * from {{ ref('stg_crm__customers') }}
),

-- contacts deleted in the CRM, of customers that keep another contact
retired_contacts as (
    select contacts.crm_id
    from contacts
    inner join identities
        on contacts.crm_id = identities.source_id
    where
        contacts.is_deleted
        and identities.customer_id in (
            select kept.customer_id
            from identities as kept
            inner join contacts as kept_contacts
                on kept.source_id = kept_contacts.crm_id
            where not kept_contacts.is_deleted
        )
),

customer_versions as (
    select
        identities.customer_id,
        versions.*
    from versions
    inner join identities
        on versions.crm_id = identities.source_id
    where not (
        versions.is_deleted
        and versions.crm_id in (select retired_contacts.crm_id from retired_contacts)
    )
),

distinct_versions as (
    {{ latest_version_per_key('customer_versions', 'customer_id, updated_at', 'updated_at desc') }}
),

intervals as (
    select
        -- ids
        {{ generate_surrogate_key(['customer_id', 'updated_at']) }} as customer_version_id,
        customer_id,
        crm_id,

        -- strings
        country_code,
        city,
        tier,

        -- booleans
        has_marketing_consent,
        is_deleted,

        -- timestamps
        signup_at,
        updated_at as valid_from,
        lead(updated_at) over (partition by customer_id order by updated_at) as valid_to
    from distinct_versions
),

final as (
    select
        *,
        valid_to is null as is_current
    from intervals
)

select * from final
