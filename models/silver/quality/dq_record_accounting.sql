-- Where every bronze record went, counted per landing table: loaded into silver (it is the
-- current version of its key), quarantined (dq_quarantine), an exact duplicate of another
-- record, or superseded by a newer version of its key (including change-feed pre-images).
-- Each category is found on its own (dq_record_ledger), so a record in none (lost) or in
-- two (double counted) shows up; the reconciliation test asserts there is none of either.
-- A table rebuilt on every run from the ledger, so its tests read six rows.
{{ config(materialized='table') }}

with ledger as (
    select * from {{ ref('dq_record_ledger') }}
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
    from ledger
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
    {%- for table in checked_landing_tables() %}
        select '{{ table.source_table }}' as source_table
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
