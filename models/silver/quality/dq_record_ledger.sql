-- Where each bronze record went, one row per record of the checked landing tables: in
-- quarantine, loaded (the current row of its key in staging), an exact duplicate of an
-- accepted record that sorts first, and whether its key has a current row in staging.
-- Each fact is found on its own; dq_record_accounting counts them per landing table.
-- Incremental (merge on record_id): a run classifies the records of the new batch and,
-- again, the earlier records of the keys they touch, the only ones whose verdict a newer
-- version can change (loaded becomes superseded).
{{ config(unique_key='record_id') }}

with quarantine as (
    select record_id from {{ ref('dq_quarantine') }}
),

{% for table in checked_landing_tables() %}
    {{ table.base_model }}_records as (
        select
            {{ table.key }} as record_key,
            _record_id,
            _raw_record,
            _is_quarantined,
            _ingested_at
        from {{ ref(table.base_model) }}
        {%- if is_incremental() %}
            where
                _ingested_at > {{ last_ingested_at() }}
                or {{ table.key }} in (
                    select new_records.{{ table.key }}
                    from {{ ref(table.base_model) }} as new_records
                    where new_records._ingested_at > {{ last_ingested_at() }}
                )
        {%- endif %}
    ),
{% endfor %}

classified as (
    {%- for table in checked_landing_tables() %}
        select
            '{{ table.source_table }}' as source_table,
            records._record_id as record_id,
            records.record_key,
            quarantine.record_id is not null as is_quarantined,
            loaded._record_id is not null as is_loaded,
            -- an accepted record identical (same key, same raw record, compared by hash)
            -- to an accepted one with a smaller record id
            not records._is_quarantined
            and records._record_id > min(
                case when not records._is_quarantined then records._record_id end
            ) over (
                partition by records.record_key, {{ dbt.hash('records._raw_record') }}
            ) as is_exact_duplicate,
            current_version.{{ table.key }} is not null as has_current_version,
            records._ingested_at
        from {{ table.base_model }}_records as records
        left join quarantine
            on records._record_id = quarantine.record_id
        left join {{ ref(table.staging_model) }} as loaded
            on records._record_id = loaded._record_id
        left join {{ ref(table.staging_model) }} as current_version
            on records.record_key = current_version.{{ table.key }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select * from classified
)

select * from final
