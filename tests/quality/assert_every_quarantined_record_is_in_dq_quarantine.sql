-- The quarantine is complete and exact: every base record that a drop rule rejected
-- (_is_quarantined) is in dq_quarantine, under its own landing table, with a rule name
-- and a reason, and dq_quarantine holds no record that is not quarantined in its base view.
-- Returns one row per record where that does not hold, with what is wrong.

{%- set checked_sources = [
    ('crm.customers', 'base_crm__customers'),
    ('ecommerce.orders', 'base_ecommerce__orders'),
    ('ecommerce.order_items', 'base_ecommerce__order_items'),
    ('ecommerce.products', 'base_ecommerce__products'),
    ('web.events', 'base_web__events'),
    ('support.ticket_changes', 'base_support__ticket_changes'),
] %}

with quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

quarantined_in_base as (
    {%- for source_table, base_model in checked_sources %}
        select
            _record_id as record_id,
            _dq_rule as rule_name,
            '{{ source_table }}' as source_table
        from {{ ref(base_model) }}
        where _is_quarantined
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

compared as (
    select
        quarantined_in_base.rule_name as base_rule_name,
        quarantine.rule_name as quarantine_rule_name,
        quarantine.reason as quarantine_reason,
        coalesce(quarantined_in_base.source_table, quarantine.source_table)
            as source_table,
        coalesce(quarantined_in_base.record_id, quarantine.record_id) as record_id,
        case
            when quarantine.record_id is null
                then 'quarantined in base, missing from dq_quarantine'
            when quarantined_in_base.record_id is null
                then 'in dq_quarantine, not quarantined in base'
            when quarantine.source_table != quarantined_in_base.source_table
                then 'in dq_quarantine under another landing table'
            when quarantine.rule_name is null
                then 'no rule_name in dq_quarantine'
            when quarantine.reason is null
                then 'no reason in dq_quarantine'
        end as problem
    from quarantined_in_base
    full outer join quarantine
        on quarantined_in_base.record_id = quarantine.record_id
),

final as (
    select * from compared
    where problem is not null
)

select * from final
