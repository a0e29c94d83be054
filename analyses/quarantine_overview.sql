-- What the data-quality rules caught: quarantined records per landing table, rule and
-- delivery file, newest first, with one example raw record each.

with quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

final as (
    select
        source_table,
        rule_name,
        reason,
        source_file,
        count(*) as records,
        min(raw_record) as example_raw_record
    from quarantine
    group by source_table, rule_name, reason, source_file
)

select * from final
order by source_file desc, records desc
