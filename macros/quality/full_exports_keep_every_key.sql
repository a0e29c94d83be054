{#-
    Generic test on a base model (`model`, every version of a landing table's keys, with its
    verdict): whether the newest delivery day, when it re-sends most keys (a full export of
    the table, as some CRMs and shops send every day), re-sends every key. The landing
    contract removes a record by a tombstone only, so a key that a full export just leaves
    out (a contact deleted, an order cancelled, a product dropped from the catalog) stays
    current in silver and gold. Counts the keys whose latest version before the newest
    delivery day (`version_time`) is not gone (`gone_when`, a condition on the version, such
    as `is_deleted`); when that day's versions (quarantined ones too) hold at least
    `min_share` of them, returns each key it left out. Reads the base model alone (the delivery day from each
    file's name: landing_delivery_date), so that a build of a selection that holds its
    bronze model but not it does not pick the test.
-#}
{% test full_exports_keep_every_key(model, column_name, gone_when='false', version_time='updated_at', min_share=0.9) %}
    {{ config(severity='warn') }}

with versions as (
    select
        {{ column_name }} as version_key,
        {{ version_time }} as version_time,
        case when {{ gone_when }} then 1 else 0 end as is_gone,
        _is_quarantined,
        _source_file,
        _ingested_at
    from {{ model }}
    where {{ column_name }} is not null
),

files as (
    select
        _source_file,
        _ingested_at,
        {{ landing_delivery_date('_source_file', '_ingested_at') }} as delivery_date
    from (select distinct _source_file, _ingested_at from versions) as delivered
),

newest_day as (
    select max(delivery_date) as delivery_date from files
),

dated as (
    select
        versions.*,
        files.delivery_date
    from versions
    inner join files
        on
            versions._source_file = files._source_file
            and versions._ingested_at = files._ingested_at
),

sent_on_newest_day as (
    select distinct dated.version_key
    from dated
    inner join newest_day
        on dated.delivery_date = newest_day.delivery_date
),

-- the keys current before the newest day: their latest accepted version then is not gone (a
-- key the newest day sent, even in a quarantined version, was not left out)
kept_before as (
    select dated.version_key
    from dated
    inner join newest_day
        on dated.delivery_date < newest_day.delivery_date
    where not dated._is_quarantined
    group by dated.version_key
    having max_by(dated.is_gone, dated.version_time) = 0
),

compared as (
    select
        kept_before.version_key,
        sent_on_newest_day.version_key is not null as is_sent_again
    from kept_before
    left join sent_on_newest_day
        on kept_before.version_key = sent_on_newest_day.version_key
),

coverage as (
    select
        count(*) as kept_keys,
        sum(case when is_sent_again then 1 else 0 end) as keys_sent_again
    from compared
),

left_out as (
    select
        compared.version_key as {{ column_name }},
        newest_day.delivery_date as full_export_date,
        coverage.keys_sent_again,
        coverage.kept_keys
    from compared
    cross join coverage
    cross join newest_day
    where
        not compared.is_sent_again
        and coverage.keys_sent_again >= {{ min_share }} * coverage.kept_keys
)

select * from left_out

{% endtest %}
