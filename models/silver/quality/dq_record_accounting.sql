-- Where every bronze record went, counted per landing table: loaded into silver (it is the
-- current version of its key), quarantined (dq_quarantine), an exact duplicate of another
-- record, or superseded by a newer version of its key (including change-feed pre-images).
-- Each category is found on its own, so a record in none (lost) or in two (double counted)
-- shows up; the reconciliation test asserts there is none of either.
{{ config(materialized='view') }}

{%- set accounted_sources = [
    ('crm.customers', 'base_crm__customers', 'stg_crm__customers', 'customer_id'),
    ('ecommerce.orders', 'base_ecommerce__orders', 'stg_ecommerce__orders', 'order_id'),
    ('ecommerce.order_items', 'base_ecommerce__order_items', 'stg_ecommerce__order_items',
        'order_item_id'),
    ('ecommerce.products', 'base_ecommerce__products', 'stg_ecommerce__products', 'product_id'),
    ('web.events', 'base_web__events', 'stg_web__events', 'event_id'),
    ('support.ticket_changes', 'base_support__ticket_changes', 'stg_support__tickets',
        'ticket_id'),
] %}

with quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

classified as (
    {%- for source_table, base_model, staging_model, key in accounted_sources %}
        select
            '{{ source_table }}' as source_table,
            quarantine.record_id is not null as is_quarantined,
            loaded._record_id is not null as is_loaded,
            not base._is_quarantined
            and row_number() over (
                partition by base.{{ key }}, base._raw_record
                order by base._record_id
            ) > 1 as is_exact_duplicate,
            current_version.{{ key }} is not null as has_current_version
        from {{ ref(base_model) }} as base
        left join quarantine
            on base._record_id = quarantine.record_id
        left join {{ ref(staging_model) }} as loaded
            on base._record_id = loaded._record_id
        left join {{ ref(staging_model) }} as current_version
            on base.{{ key }} = current_version.{{ key }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

categorised as (
    select
        source_table,
        is_loaded,
        is_quarantined,
        is_exact_duplicate and not is_loaded as is_duplicate,
        not is_loaded and not is_quarantined and not is_exact_duplicate
        and has_current_version as is_superseded,
        not is_loaded and not is_quarantined and not is_exact_duplicate
        and not has_current_version as is_unaccounted,
        (case when is_loaded then 1 else 0 end)
        + (case when is_quarantined then 1 else 0 end)
        + (case when is_exact_duplicate then 1 else 0 end) > 1 as is_double_counted
    from classified
),

counted as (
    select
        source_table,
        count(*) as bronze_records,
        sum(case when is_loaded then 1 else 0 end) as loaded_records,
        sum(case when is_quarantined then 1 else 0 end) as quarantined_records,
        sum(case when is_duplicate then 1 else 0 end) as duplicate_records,
        sum(case when is_superseded then 1 else 0 end) as superseded_records,
        sum(case when is_unaccounted then 1 else 0 end) as unaccounted_records,
        sum(case when is_double_counted then 1 else 0 end) as double_counted_records
    from categorised
    group by source_table
),

-- one row per landing table, also for a table with no record yet
landing_tables as (
    {%- for source_table, base_model, staging_model, key in accounted_sources %}
        select '{{ source_table }}' as source_table
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        landing_tables.source_table,
        coalesce(counted.bronze_records, 0) as bronze_records,
        coalesce(counted.loaded_records, 0) as loaded_records,
        coalesce(counted.quarantined_records, 0) as quarantined_records,
        coalesce(counted.duplicate_records, 0) as duplicate_records,
        coalesce(counted.superseded_records, 0) as superseded_records,
        coalesce(counted.unaccounted_records, 0) as unaccounted_records,
        coalesce(counted.double_counted_records, 0) as double_counted_records
    from landing_tables
    left join counted
        on landing_tables.source_table = counted.source_table
)

select * from final
