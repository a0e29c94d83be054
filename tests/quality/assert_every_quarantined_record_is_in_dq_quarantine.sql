-- The quarantine is complete and exact: every base record that a drop rule rejected
-- (_is_quarantined) is in dq_quarantine, under its own landing table, with a rule name
-- and a reason, and dq_quarantine holds no record that is not quarantined in its base model.
-- Returns one row per record where that does not hold, with what is wrong.

with quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

quarantined_in_base as (
    {%- for table in checked_landing_tables() %}
        select
            _record_id as record_id,
            _dq_rule as rule_name,
            '{{ table.source_table }}' as source_table
        from {{ ref(table.base_model) }}
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
