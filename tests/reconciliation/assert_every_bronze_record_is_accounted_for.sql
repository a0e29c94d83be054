-- Every landing record is in silver, in quarantine, counted as an exact duplicate, or
-- superseded by a newer version of its key; none is lost and none is counted twice.
-- Returns the landing tables where that does not hold.
select *
from {{ ref('dq_record_accounting') }}
where
    unaccounted_records != 0
    or double_counted_records > 0
    or bronze_records != loaded_records + quarantined_records
    + duplicate_records + superseded_records
