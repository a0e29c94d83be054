-- Customers that identity resolution made of more CRM contacts or more shop accounts than var
-- `identity_max_contacts_per_customer` (default 5): a person has one or two of each, so such
-- a customer is most likely strangers linked by a contact point they all carry that the
-- shared-point rules did not catch (a point counts as shared once it reaches two CRM
-- contacts that are not one person, or, for an email, once orders and tickets give it with
-- many phones: a shop's own hotline typed on marketplace orders links every buyer of them).
-- Their orders, revenue and churn features are then one customer's.
-- Returns each such customer with its counts; severity warn. Look its email and phone up on
-- its orders and contacts, and the points of int_identity_shared_contact_points.
{{ config(severity='warn') }}

{%- set most = number_var('identity_max_contacts_per_customer', 1, integer=true) %}

with identities as (
    select * from {{ ref('int_customer_identities') }}
),

sizes as (
    select
        customer_id,
        sum(case when node_type = 'crm' then 1 else 0 end) as crm_contacts_count,
        sum(case when node_type = 'account' then 1 else 0 end) as shop_accounts_count,
        sum(case when node_type = 'order' then 1 else 0 end) as orders_count
    from identities
    group by customer_id
),

too_large as (
    select * from sizes
    where crm_contacts_count > {{ most }} or shop_accounts_count > {{ most }}
)

select * from too_large
