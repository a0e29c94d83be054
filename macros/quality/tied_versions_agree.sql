{#-
    Generic test on a staging model (`model`, one current version per `column_name`): the keys
    with accepted versions of the same version time (`version_time`) in two landing files or
    more that differ in content (the base model `versions`' _raw_record_hash). The contract
    makes the version of the file later by name current (landing_delivery_date aside, name
    order is the only order two files of one day have), which may not be the one meant: a
    corrected export saved under a copy's name (`orders_2026-06-30 (1).csv` sorts before
    `orders_2026-06-30.csv`), or two systems exporting one key. Returns the key, the version
    time, the first and last file by name and the current record id; for severity warn.
-#}
{% test tied_versions_agree(model, column_name, versions, version_time='updated_at') %}

with accepted_versions as (
    select * from {{ versions }}
    where not _is_quarantined and {{ column_name }} is not null
),

ties as (
    select
        {{ column_name }} as version_key,
        {{ version_time }} as tied_version_time,
        min(_source_file) as first_file,
        max(_source_file) as last_file
    from accepted_versions
    group by {{ column_name }}, {{ version_time }}
    having count(distinct _raw_record_hash) > 1 and count(distinct _source_file) > 1
),

named as (
    select
        ties.version_key,
        ties.tied_version_time,
        ties.first_file,
        ties.last_file,
        current_versions._record_id as current_record_id
    from ties
    inner join {{ model }} as current_versions
        on
            ties.version_key = current_versions.{{ column_name }}
            and ties.tied_version_time = current_versions.{{ version_time }}
)

select * from named

{% endtest %}
