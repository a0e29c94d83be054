-- The CRM's crosswalk (account links) and the shop must write a shop account's id alike: when
-- fewer than a quarter of the accounts the crosswalk names (20 or more) appear on any order,
-- the two systems most likely spell the ids differently (zero-padded `0001000942` against
-- `1000942`, a prefix, another case), and every crosswalk link points at an account no order
-- carries: CRM contacts stay apart from their orders, with no other word. Returns one row
-- with both counts and an example of each spelling; severity warn. Compare the two exports'
-- ids; normalise them in the export (the landing contract takes ids as written).
{{ config(severity='warn') }}

with account_links as (
    select * from {{ ref('base_crm__account_links') }}
    where not _is_quarantined
),

orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
    where shop_account_id is not null
),

linked_accounts as (
    select distinct shop_account_id
    from account_links
    where shop_account_id is not null
),

ordering_accounts as (
    select distinct shop_account_id
    from orders
),

order_example as (
    select min(shop_account_id) as order_example
    from ordering_accounts
),

compared as (
    select
        count(*) as crosswalk_accounts,
        count(ordering_accounts.shop_account_id) as accounts_with_orders,
        min(linked_accounts.shop_account_id) as crosswalk_example
    from linked_accounts
    left join ordering_accounts
        on linked_accounts.shop_account_id = ordering_accounts.shop_account_id
),

final as (
    select
        compared.crosswalk_accounts,
        compared.accounts_with_orders,
        compared.crosswalk_example,
        order_example.order_example
    from compared
    cross join order_example
    where
        compared.crosswalk_accounts >= 20
        and 4 * compared.accounts_with_orders < compared.crosswalk_accounts
)

select * from final
