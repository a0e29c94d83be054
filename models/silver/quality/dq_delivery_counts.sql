-- The bronze records each checked landing table (checked_landing_tables) delivered per day
-- (macro landing_delivery_date: the date in the landing file's name): what the delivery
-- monitoring (dq_delivery_volumes, dq_delivery_freshness) measures; and the files of the day
-- whose name has no date, dated by the day they were ingested (dq_delivery_anomalies names
-- them).
-- Incremental, one pass over the new records only: a run counts, per landing table, the
-- bronze records ingested after the latest already counted (its watermark) and adds them to
-- the stored count of their day (a late file adds to an earlier day). Counting from scratch
-- is the same addition from zero: on the first run, a full refresh, or when
-- bronze_count_watermarks finds that the records counted are no longer all in bronze (it
-- logs why).
{{ config(
    unique_key=['source_table', 'delivery_date'],
    databricks_tags={'contains_pii': 'false'},
) }}

{#- per landing table, the latest ingestion time already counted, as text; none: count
    from scratch -#}
{%- set watermarks = bronze_count_watermarks(this, 'records', ['undated_files', 'undated_records'])
    if is_incremental() else none %}

-- the new records counted per landing file and ingestion, so that the delivery date is read
-- from each file's name once, not from every record's id
with new_file_counts as (
    {%- for table in checked_landing_tables() %}
        {%- set watermark = (watermarks or {}).get(table.source_table) %}
        select
            '{{ table.source_table }}' as source_table,
            _source_path,
            _ingested_at,
            count(*) as records
        from {{ ref(table.bronze_model) }}
        {%- if watermark %}
            where _ingested_at > cast('{{ watermark }}' as timestamp)
        {%- endif %}
        group by _source_path, _ingested_at
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

new_files as (
    select
        *,
        {{ landing_delivery_date('_source_path') }} as delivery_date,
        {{ landing_file_name_date('_source_path') }} is null as is_undated
    from new_file_counts
),

new_counts as (
    select
        source_table,
        delivery_date,
        sum(records) as records,
        count(distinct case when is_undated then _source_path end) as undated_files,
        sum(case when is_undated then records else 0 end) as undated_records,
        min(case when is_undated then _source_path end) as undated_file_example,
        max(_ingested_at) as _max_ingested_at
    from new_files
    group by source_table, delivery_date
),

-- the counts stored before, of the days the new records fall on (none when counting from
-- scratch)
stored_counts as (
    select
        source_table,
        delivery_date,
        records,
        undated_files,
        undated_records,
        undated_file_example
    {%- if watermarks is not none %}
        from {{ this }}
    {%- else %}
        from new_counts
        where 1 = 0
    {%- endif %}
),

-- the new records of a day added to the count already stored for it
final as (
    select
        new_counts.source_table,
        new_counts.delivery_date,
        cast(new_counts.records + coalesce(stored_counts.records, 0) as bigint) as records,
        cast(new_counts.undated_files + coalesce(stored_counts.undated_files, 0) as bigint)
            as undated_files,
        cast(new_counts.undated_records + coalesce(stored_counts.undated_records, 0) as bigint)
            as undated_records,
        coalesce(new_counts.undated_file_example, stored_counts.undated_file_example)
            as undated_file_example,
        new_counts._max_ingested_at
    from new_counts
    left join stored_counts
        on
            new_counts.source_table = stored_counts.source_table
            and new_counts.delivery_date = stored_counts.delivery_date
)

select * from final
