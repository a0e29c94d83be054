-- Records that failed a drop expectation: kept here with the rule, the reason and the raw
-- record (its contract columns as landed, read from bronze), never silently lost. One row
-- per bronze record (its first failed rule; all of them in failed_rules).
{{ config(unique_key='record_id') }}

{#- the watermark, looked up once: a literal -#}
{%- set watermark = last_ingested_at() if is_incremental() else none %}

with quarantined as (
    {%- for table in checked_landing_tables() %}
        {#- the raw record as landed, from bronze: only the quarantined records need it -#}
        {%- set landed_columns = [] %}
        {%- for column in raw_record_columns(table.source_table) %}
            {%- do landed_columns.append('landed.' ~ column) %}
        {%- endfor %}
        select
            '{{ table.source_table }}' as source_table,
            base._record_id as record_id,
            base._dq_rule as rule_name,
            'drop' as severity,
            base._dq_reason as reason,
            base._dq_failed_rules as failed_rules,
            {{ to_json_object(landed_columns) }} as raw_record,
            base._rescued_data as rescued_data,
            base._source_file as source_file,
            base._ingested_at
        from {{ ref(table.base_model) }} as base
        inner join {{ ref(table.bronze_model) }} as landed
            on base._record_id = landed._record_id
        where
            base._is_quarantined
            {%- if watermark %}
                and base._ingested_at > {{ watermark }}
                and landed._ingested_at > {{ watermark }}
            {%- endif %}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select * from quarantined
)

select * from final
