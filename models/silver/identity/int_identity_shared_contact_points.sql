-- Emails and phones that a household shares: carried by two CRM contacts who are not one
-- person written twice. Two contacts are two people when their first names differ by more
-- than a typo (Levenshtein distance above 2), or differ at all while their other contact
-- point (the phone of an email, the email of a phone) is known on both and differs. A
-- duplicate contact with a typo in the name and the same or no phone is not. No email or
-- phone edge goes through a shared point (int_identity_edges): a wrong merge costs more than
-- a missed one.

with crm_versions as (
    select * from {{ ref('base_crm__customers') }}
    where not _is_quarantined
),

contact_points as (
    select distinct
        crm_id,
        'email' as point_type,
        email_normalised as point_value,
        lower(first_name) as first_name,
        phone_national_number as other_point
    from crm_versions
    where email_normalised is not null
    union all
    select distinct
        crm_id,
        'phone' as point_type,
        phone_national_number as point_value,
        lower(first_name) as first_name,
        email_normalised as other_point
    from crm_versions
    where phone_national_number is not null
),

two_people as (
    select
        one.point_type,
        one.point_value,
        one.crm_id as crm_id_a,
        other.crm_id as crm_id_b
    from contact_points as one
    inner join contact_points as other
        on
            one.point_type = other.point_type
            and one.point_value = other.point_value
            and one.crm_id < other.crm_id
    where
        one.first_name != other.first_name
        and (
            levenshtein(one.first_name, other.first_name) > 2
            or one.other_point != other.other_point
        )
),

final as (
    select
        point_type,
        point_value,
        count(distinct crm_id_a) + 1 as crm_contacts,
        min(concat(crm_id_a, ' / ', crm_id_b)) as example_pair
    from two_people
    group by point_type, point_value
)

select * from final
