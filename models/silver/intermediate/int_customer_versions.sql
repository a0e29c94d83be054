-- Every accepted version of every CRM customer with its validity interval, from all the
-- versions bronze ever received (not only those a snapshot happened to see). Used for
-- point-in-time attributes: a fact at time t takes the version with
-- valid_from <= t < valid_to. Deterministic: a full refresh rebuilds the same history.

with versions as (
    select * from {{ ref('base_crm__customers') }}
    where not _is_quarantined
),

distinct_versions as (
    {{ latest_version_per_key('versions', 'customer_id, updated_at', 'updated_at desc') }}
),

intervals as (
    select
        -- ids
        {{ generate_surrogate_key(['customer_id', 'updated_at']) }} as customer_version_id,
        customer_id,

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
