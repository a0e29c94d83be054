-- Where every bronze record went, counted per landing table. Each count is found on its own:
--   loaded        the rows of the staging model (one per key: its current version);
--   quarantined   the records in dq_quarantine;
--   duplicate     accepted records identical to another accepted record of the same key
--                 (same raw record, compared by its hash): accepted records minus the
--                 distinct (key, raw record) versions;
--   superseded    the other distinct versions of each accepted key (older versions,
--                 change-feed pre-images): distinct versions minus distinct keys;
--   unaccounted   accepted keys minus staging rows: keys that were lost (or, if negative,
--                 staging rows that no accepted record explains);
--   double counted  records both loaded and quarantined.
-- The reconciliation test asserts that the first four add up to the bronze records and
-- that nothing is unaccounted or double counted.
--
-- Incremental: a run adds what the records ingested since the last count (_max_ingested_at)
-- bring: their accepted records, and the versions and keys not seen before (looked up among
-- the earlier records of the same keys only). Everything is counted again from scratch
-- (record_accounting_watermarks) on a full refresh, after a privacy operation changed bronze,
-- or when the records counted last time are no longer all in bronze.
{{ config(materialized='incremental', unique_key='source_table') }}

{#- each landing table's watermark, written as a literal so that the bronze scans skip the
    row groups ingested before it; none: count everything -#}
{%- set watermarks = record_accounting_watermarks(this) if is_incremental() else none %}
{%- set recount = watermarks is none %}

with quarantine as (
    select * from {{ ref('dq_quarantine') }}
),

{% for table in checked_landing_tables() %}
    {%- set name = table.base_model %}
    {%- set key = table.key %}

    {%- if recount %}
        -- every accepted record: its distinct (key, raw record) versions and their records
        {{ name }}_versions as (
            select
                {{ key }} as record_key,
                count(*) as records
            from {{ ref(name) }}
            where not _is_quarantined
            group by {{ key }}, _raw_record_hash
        ),

        {{ name }}_state as (
            select
                cast(coalesce(sum(records), 0) as bigint) as accepted_records,
                count(*) as distinct_versions,
                count(distinct record_key) as distinct_keys
            from {{ name }}_versions
        ),
    {%- else %}
        {%- set watermark = "cast('" ~ watermarks[table.source_table] ~ "' as timestamp)" %}
        {{ name }}_previous as (
            select * from {{ this }}
            where source_table = '{{ table.source_table }}'
        ),

        -- the accepted records ingested since the last count
        {{ name }}_new as (
            select
                {{ key }} as record_key,
                _raw_record_hash
            from {{ ref(name) }}
            where
                not _is_quarantined
                and _ingested_at > {{ watermark }}
        ),

        -- the versions already counted of the keys that have new records
        {{ name }}_seen as (
            select distinct
                {{ key }} as record_key,
                _raw_record_hash
            from {{ ref(name) }}
            where
                not _is_quarantined
                and _ingested_at <= {{ watermark }}
                and {{ key }} in (select added.record_key from {{ name }}_new as added)
        ),

        {{ name }}_new_versions as (
            select distinct
                added.record_key,
                added._raw_record_hash
            from {{ name }}_new as added
            where not exists (
                select seen.record_key from {{ name }}_seen as seen
                where
                    seen.record_key = added.record_key
                    and seen._raw_record_hash = added._raw_record_hash
            )
        ),

        {{ name }}_state as (
            select
                previous.accepted_records
                + (select count(*) as n from {{ name }}_new) as accepted_records,
                previous.distinct_versions
                + (select count(*) as n from {{ name }}_new_versions) as distinct_versions,
                previous.distinct_keys + (
                    select count(distinct new_versions.record_key) as n
                    from {{ name }}_new_versions as new_versions
                    where not exists (
                        select seen.record_key from {{ name }}_seen as seen
                        where seen.record_key = new_versions.record_key
                    )
                ) as distinct_keys
            from {{ name }}_previous as previous
        ),
    {%- endif %}

    {{ name }}_counts as (
        select
            '{{ table.source_table }}' as source_table,
            (select count(*) as n from {{ ref(name) }}) as bronze_records,
            (select count(*) as n from {{ ref(table.staging_model) }}) as loaded_records,
            (
                select count(*) as n from quarantine
                where quarantine.source_table = '{{ table.source_table }}'
            ) as quarantined_records,
            totals.accepted_records - totals.distinct_versions as duplicate_records,
            totals.distinct_versions - totals.distinct_keys as superseded_records,
            totals.distinct_keys
            - (select count(*) as n from {{ ref(table.staging_model) }}) as unaccounted_records,
            (
                select count(*) as n
                from {{ ref(table.staging_model) }} as loaded
                inner join quarantine
                    on loaded._record_id = quarantine.record_id
            ) as double_counted_records,
            totals.accepted_records,
            totals.distinct_versions,
            totals.distinct_keys,
            (
                select coalesce(max(base._ingested_at), cast('1900-01-01' as timestamp)) as latest
                from {{ ref(name) }} as base
            ) as _max_ingested_at
        from {{ name }}_state as totals
    ),
{% endfor %}

final as (
    {%- for table in checked_landing_tables() %}
        select * from {{ table.base_model }}_counts
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from final
