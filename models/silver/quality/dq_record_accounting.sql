-- Where every bronze record went, counted per landing table: loaded into silver (it is the
-- current version of its key), quarantined (dq_quarantine), an exact duplicate of another
-- record, or superseded by a newer version of its key (including change-feed pre-images).
-- Each category is found on its own, so a record in none (lost) or in two (double counted)
-- shows up; the reconciliation test asserts there is none of either.
{{ config(materialized='view') }}

with quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

classified as (
    {%- for table in checked_landing_tables() %}
        select
            '{{ table.source_table }}' as source_table,
            quarantine.record_id is not null as is_quarantined,
            loaded._record_id is not null as is_loaded,
            not base._is_quarantined
            and row_number() over (
                partition by base.{{ table.key }}, base._raw_record
                order by base._record_id
            ) > 1 as is_exact_duplicate,
            current_version.{{ table.key }} is not null as has_current_version
        from {{ ref(table.base_model) }} as base
        left join quarantine
            on base._record_id = quarantine.record_id
        left join {{ ref(table.staging_model) }} as loaded
            on base._record_id = loaded._record_id
        left join {{ ref(table.staging_model) }} as current_version
            on base.{{ table.key }} = current_version.{{ table.key }}
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
