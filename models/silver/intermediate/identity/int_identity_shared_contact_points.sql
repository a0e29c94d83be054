-- Emails and phones that several people share. A point is shared when it reaches two CRM
-- contacts who are not one person written twice. A contact reaches the points it carries
-- itself (in any version), and the emails of the orders and tickets that carry its phone: a
-- family member whose CRM record has no email still reaches the family's address through an
-- order placed with it and their own phone. Two contacts are two people when their first
-- names differ by more than a typo (Levenshtein distance above 2), or, for an email, differ at
-- all while their phones (over all their versions) are known on both and have none in common.
-- A phone is not judged by the emails (a person has several addresses, not several mobiles in
-- the CRM). A duplicate contact with a typo in the name and the same or no phone is not two
-- people. An email is shared too when orders and tickets carry it with
-- identity_shared_email_min_phones or more phones (told by their last 8 digits): a till's or
-- the shop's own address typed for walk-in buyers, which would make every buyer who gave a
-- phone one customer (a person gives a phone or two). No email or phone edge goes through a
-- shared point (int_identity_edges): a wrong merge costs more than a missed one.

{%- set min_phones = number_var('identity_shared_email_min_phones', 2, integer=true) %}

with crm_versions as (
    select * from {{ ref('base_crm__customers') }}
    where not _is_quarantined
),

orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

tickets as (
    select * from {{ ref('stg_support__tickets') }}
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

-- the emails of orders and tickets (which carry no name), each with the phone given beside it
record_email_phones as (
    select
        email_normalised,
        phone_national_number
    from orders
    where email_normalised is not null and phone_national_number is not null
    union all
    select
        email_normalised,
        phone_national_number
    from tickets
    where email_normalised is not null and phone_national_number is not null
),

-- the points each contact reaches: its own, and the emails of the orders and tickets that
-- carry its phone
reached_points as (
    select
        crm_id,
        point_type,
        point_value,
        first_name
    from contact_points
    union distinct
    select
        contact_points.crm_id,
        'email' as point_type,
        record_email_phones.email_normalised as point_value,
        contact_points.first_name
    from contact_points
    inner join record_email_phones
        on contact_points.point_value = record_email_phones.phone_national_number
    where contact_points.point_type = 'phone'
),

-- pairs of contacts with different first names reaching one point
name_pairs as (
    select distinct
        one.point_type,
        one.point_value,
        one.crm_id as crm_id_a,
        other.crm_id as crm_id_b,
        levenshtein(one.first_name, other.first_name) as name_distance
    from reached_points as one
    inner join reached_points as other
        on
            one.point_type = other.point_type
            and one.point_value = other.point_value
            and one.crm_id < other.crm_id
    where one.first_name != other.first_name
),

-- the other contact points of each contact, in any of its versions
other_points as (
    select distinct
        crm_id,
        point_type,
        other_point
    from contact_points
    where other_point is not null
),

pair_other_points as (
    select
        name_pairs.point_type,
        name_pairs.point_value,
        name_pairs.crm_id_a,
        name_pairs.crm_id_b,
        name_pairs.name_distance,
        count(distinct points_a.other_point) as other_points_a,
        count(distinct points_b.other_point) as other_points_b,
        count(distinct case
            when points_a.other_point = points_b.other_point then points_a.other_point
        end) as common_other_points
    from name_pairs
    left join other_points as points_a
        on
            name_pairs.crm_id_a = points_a.crm_id
            and name_pairs.point_type = points_a.point_type
    left join other_points as points_b
        on
            name_pairs.crm_id_b = points_b.crm_id
            and name_pairs.point_type = points_b.point_type
    group by
        name_pairs.point_type,
        name_pairs.point_value,
        name_pairs.crm_id_a,
        name_pairs.crm_id_b,
        name_pairs.name_distance
),

two_people as (
    select *
    from pair_other_points
    where
        name_distance > 2
        or (
            point_type = 'email'
            and other_points_a > 0 and other_points_b > 0 and common_other_points = 0
        )
),

household_points as (
    select
        point_type,
        point_value,
        count(distinct crm_id_a) + 1 as crm_contacts,
        min(concat(crm_id_a, ' / ', crm_id_b)) as example_pair
    from two_people
    group by point_type, point_value
),

-- emails given with many phones: a till's or the shop's own address typed for walk-in buyers.
-- A phone is told by its last 8 digits: orders and tickets have no country, so one number
-- written with and without its calling code or trunk 0 (`49 170 1234567`, `0170 1234567`)
-- has two national numbers, but one ending
many_phone_emails as (
    select
        'email' as point_type,
        email_normalised as point_value,
        count(distinct right(phone_national_number, 8)) as record_phones
    from record_email_phones
    group by email_normalised
    having count(distinct right(phone_national_number, 8)) >= {{ min_phones }}
),

final as (
    select
        coalesce(household_points.point_type, many_phone_emails.point_type) as point_type,
        coalesce(household_points.point_value, many_phone_emails.point_value) as point_value,
        coalesce(household_points.crm_contacts, 0) as crm_contacts,
        household_points.example_pair,
        many_phone_emails.record_phones
    from household_points
    full outer join many_phone_emails
        on
            household_points.point_type = many_phone_emails.point_type
            and household_points.point_value = many_phone_emails.point_value
)

select * from final
