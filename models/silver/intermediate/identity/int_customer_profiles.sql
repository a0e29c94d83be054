-- The CRM profile of every customer known to the CRM: one row per customer, from the
-- current versions of their CRM contacts (a customer may have several: a contact entered
-- twice). The profile is the contact updated last among those not deleted; a customer all
-- of whose contacts are deleted takes the one deleted last and is deleted.

with contacts as (
    select * from {{ ref('stg_crm__customers') }}
),

identities as (
    select * from {{ ref('int_customer_identities') }}
    where node_type = 'crm'
),

customer_contacts as (
    select
        identities.customer_id,
        contacts.*,
        count(*) over (partition by identities.customer_id) as crm_contacts_count
    from contacts
    inner join identities
        on contacts.crm_id = identities.source_id
),

profiles as (
    {{ latest_version_per_key(
        'customer_contacts', 'customer_id',
        'case when is_deleted then 1 else 0 end, updated_at desc, crm_id') }}
),

final as (
    select
        -- ids
        customer_id,
        crm_id,

        -- strings
        first_name,
        last_name,
        email,
        phone,
        country_code,
        country_name,
        city,
        tier,
        preferred_language,

        -- numerics
        crm_contacts_count,

        -- booleans
        is_email_valid,
        has_marketing_consent,
        is_deleted,

        -- timestamps
        signup_at,
        updated_at
    from profiles
)

select * from final
