-- Records that failed a drop expectation: kept here with the rule, the reason and the raw
-- record, never silently lost. One row per bronze record (its first failed rule; all of
-- them in failed_rules).
{{ config(unique_key='record_id') }}

{%- set checked_sources = [
    ('crm.customers', 'base_crm__customers'),
    ('ecommerce.orders', 'base_ecommerce__orders'),
    ('ecommerce.order_items', 'base_ecommerce__order_items'),
    ('ecommerce.products', 'base_ecommerce__products'),
    ('web.events', 'base_web__events'),
    ('support.ticket_changes', 'base_support__ticket_changes'),
] %}

with quarantined as (
    {%- for source_table, base_model in checked_sources %}
        select
            '{{ source_table }}' as source_table,
            base._record_id as record_id,
            base._dq_rule as rule_name,
            'drop' as severity,
            base._dq_reason as reason,
            base._dq_failed_rules as failed_rules,
            base._raw_record as raw_record,
            base._rescued_data as rescued_data,
            base._source_file as source_file,
            base._ingested_at
        from {{ ref(base_model) }} as base
        where
            base._is_quarantined
            {%- if is_incremental() %}
                and base._ingested_at > {{ last_ingested_at() }}
            {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select * from quarantined
)

select * from final
