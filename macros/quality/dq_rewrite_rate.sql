{#-
    The guard on a landing table whose records are written once (web events): the accepted
    records of one delivery (`source_table`, on its base model `model`, since the last complete
    build: macro dq_delivery_watermark) that are another version of a key (`key_column`): a
    content (raw record hash) that the key did not have before the delivery, where the key
    already had one (stored, or earlier in the delivery). Staging keeps one record per key, so
    each of them loses a record: a collector that numbers its events anew in each file makes
    nearly every event of a delivery another version of an earlier one. When more than the
    table's share in the var `rewrite_rate_thresholds` (its `default` otherwise, 5 %) of the
    delivery are, and at least `quarantine_rate_min_records` (2), the build stops with one
    sentence: the table, the counts, the files with reused ids and what to do; nothing
    downstream of the base model is built, so staging and gold keep the records they had.
    The count is dq_record_accounting's count of superseded records, for the delivery: a few
    corrections in a delivery pass (that table warns about them), an exact duplicate (a
    content the key had) is no version. A delivery of corrections alone is all versions: it
    stops, and the var lets it through.
-#}
{% test dq_rewrite_rate(model, source_table, key_column) %}
    {%- if not execute %}
        select 1 as records where 1 = 0
    {%- else %}
        {%- set threshold = share_var('rewrite_rate_thresholds', source_table, 0.05) %}
        {%- set min_records = number_var('quarantine_rate_min_records', 1, integer=true) %}
        {%- set key = adapter.quote(key_column) %}
        {%- set watermark = dq_delivery_watermark(source_table) %}
        {%- set sizes -%}
            select
                count(*) as records,
                count(case when _ingested_at > {{ watermark }} then 1 end) as delivered
            from {{ model }}
            where not _is_quarantined
        {%- endset %}
        {%- set size = run_query(sizes).rows[0] %}
        {#- most of the table delivered (a first build): group every key, rather than look the
            delivery's keys up among all records first (web events at scale 1: 1.1 s against
            2.0 s; a day's delivery, looked up: 0.26 s) -#}
        {%- set is_most = size[1] | int * 2 > size[0] | int %}
        {%- set per_file -%}
            with records as (
                select
                    {{ key }} as record_key,
                    _raw_record_hash,
                    _source_file,
                    _ingested_at > {{ watermark }} as is_delivered
                from {{ model }}
                where not _is_quarantined
            ),

            delivered as (
                select * from records
                where is_delivered
            ),

            -- the keys with records of more than one content (of the delivery's keys)
            reused_keys as (
                select record_key
                from records
                {%- if not is_most %}
                where record_key in (select delivered.record_key from delivered)
                {%- endif %}
                group by record_key
                having min(_raw_record_hash) != max(_raw_record_hash)
            ),

            -- each reused key's versions delivered: its contents but those it had before the
            -- delivery, and but its first when it had none
            new_versions as (
                select
                    count(distinct records._raw_record_hash) - greatest(
                        count(distinct case
                            when not records.is_delivered then records._raw_record_hash
                        end),
                        1
                    ) as versions
                from records
                inner join reused_keys
                    on records.record_key = reused_keys.record_key
                group by records.record_key
            )

            select
                delivered._source_file as source_file,
                count(*) as records,
                count(reused_keys.record_key) as reused_records,
                (select coalesce(sum(new_versions.versions), 0) from new_versions) as versions
            from delivered
            left join reused_keys
                on delivered.record_key = reused_keys.record_key
            group by delivered._source_file
            order by reused_records desc, source_file
        {%- endset %}
        {%- set records = namespace(total=0, versions=0) %}
        {%- set files = [] %}
        {#- nothing delivered: nothing to look up -#}
        {%- for source_file, count, reused, versions in (
            run_query(per_file).rows if size[1] | int > 0 else []) %}
            {%- set records.total = records.total + count | int %}
            {%- set records.versions = versions | int %}
            {%- if reused | int > 0 %}
                {%- do files.append((source_file, reused)) %}
            {%- endif %}
        {%- endfor %}
        {%- if records.versions > threshold * records.total
            and records.versions >= min_records %}
            {{ exceptions.raise_compiler_error(
                source_table ~ " delivery rejected: " ~ records.versions ~ " of " ~ records.total
                ~ " records delivered since the last complete build ("
                ~ "%.1f" | format(100.0 * records.versions / records.total)
                ~ "%) are another version of a record delivered before them or with them under"
                ~ " the same " ~ key_column ~ ", over the " ~ "%g" | format(100 * threshold)
                ~ "% threshold. Its records"
                ~ " are written once: staging keeps one record per " ~ key_column ~ ", so each"
                ~ " of these loses one (a collector or an export that numbers its records anew in"
                ~ " each file reuses the ids). Files with reused ids: "
                ~ files_with_counts(files)
                ~ ". dbt build skips everything downstream of "
                ~ model.identifier ~ ". See them: select * from " ~ model ~ " where "
                ~ key_column ~ " in (select " ~ key_column ~ " from " ~ model
                ~ " where not _is_quarantined group by " ~ key_column
                ~ " having count(distinct _raw_record_hash) > 1) order by " ~ key_column
                ~ ", _record_id."
                ~ " Give the records ids of their own in the landing folder and run dbt build"
                ~ " --full-refresh, or, if they are corrections, let them replace the earlier"
                ~ " records with --vars '{rewrite_rate_thresholds: {" ~ source_table ~ ": 1}}'.") }}
        {%- endif %}
        {#- not rejected: the same check as a query, which returns no row -#}
        select
            {{ records.versions }} as versions,
            {{ records.total }} as records
        where
            {{ records.versions }} > {{ threshold }} * {{ records.total }}
            and {{ records.versions }} >= {{ min_records }}
    {%- endif %}
{% endtest %}
