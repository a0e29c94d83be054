-- The counts of each checked landing table (checked_landing_tables) that are cheap to take
-- again every run: its records in bronze, loaded into staging (one per key: its current
-- version) and in quarantine, and the records both loaded and quarantined (must be 0).
-- dq_record_accounting sets them beside the running totals it keeps. The bronze records are
-- counted in bronze itself (a base model has one row per bronze record, but its joins would
-- run over every record to be counted).
{{ config(materialized='view', tblproperties={}) }}

with quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

landing_table_counts as (
    {%- for table in checked_landing_tables() %}
        select
            '{{ table.source_table }}' as source_table,
            (select count(*) as n from {{ ref(table.bronze_model) }}) as bronze_records,
            (select count(*) as n from {{ ref(table.staging_model) }}) as loaded_records,
            (
                select count(*) as n from quarantine
                where quarantine.source_table = '{{ table.source_table }}'
            ) as quarantined_records,
            (
                select count(*) as n
                from {{ ref(table.staging_model) }} as loaded
                inner join quarantine
                    on loaded._record_id = quarantine.record_id
            ) as double_counted_records,
            (
                select coalesce(max(bronze._ingested_at), {{ before_first_ingestion() }}) as latest
                from {{ ref(table.bronze_model) }} as bronze
            ) as _max_ingested_at
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select * from landing_table_counts
)

select * from final
