-- Records that failed a drop expectation: kept here with the rule, the reason and the raw
-- record, never silently lost. One row per bronze record (its first failed rule; all of
-- them in failed_rules).
{{ config(unique_key='record_id') }}

with quarantined as (
    {%- for table in checked_landing_tables() %}
        select
            '{{ table.source_table }}' as source_table,
            base._record_id as record_id,
            base._dq_rule as rule_name,
            'drop' as severity,
            base._dq_reason as reason,
            base._dq_failed_rules as failed_rules,
            base._raw_record as raw_record,
            base._rescued_data as rescued_data,
            base._source_file as source_file,
            base._ingested_at
        from {{ ref(table.base_model) }} as base
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
