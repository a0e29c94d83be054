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

with
{%- for source_table, base_model in checked_sources %}

{{ base_model }} as (
    select
        '{{ source_table }}' as source_table,
        _record_id as record_id,
        _dq_rule as rule_name,
        'drop' as severity,
        _dq_reason as reason,
        _dq_failed_rules as failed_rules,
        _raw_record as raw_record,
        _rescued_data as rescued_data,
        _source_file as source_file,
        _ingested_at
    from {{ ref(base_model) }}
    where _is_quarantined
    {%- if is_incremental() %}
        and _ingested_at > (
            select coalesce(max(_ingested_at), cast('1900-01-01' as timestamp))
            from {{ this }}
            where source_table = '{{ source_table }}'
        )
    {%- endif %}
),
{%- endfor %}

unioned as (
    {%- for source_table, base_model in checked_sources %}
    select * from {{ base_model }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select * from unioned
)

select * from final
