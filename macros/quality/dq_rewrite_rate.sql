{#-
    The guard on a landing table whose records are written once (web events): the accepted
    records of one delivery (`source_table`, on its base model `model`, since the last complete
    build: macro dq_delivery_watermark) that carry the key (`key_column`) of another, different
    record (another raw record hash, delivered before or with them) are counted. Staging keeps
    one version per key, so each of them replaces a record: a collector that numbers its
    events anew in each file replaces nearly every earlier event. When more than the table's
    share in the var `rewrite_rate_thresholds` (its `default` otherwise, 5 %) do, and at least
    `quarantine_rate_min_records` (2) records, the build stops with one sentence: the table,
    the counts, the files and what to do; nothing downstream of the base model is built, so
    staging and gold keep the records they had. Fewer (a few corrections) are replaced, and
    counted by dq_record_accounting's warning on superseded records. Exact duplicates (the
    same raw record sent again) replace nothing and are not counted.
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
            2.0 s; a day's delivery, looked up: 0.15 s) -#}
        {%- set is_most = size[1] | int * 2 > size[0] | int %}
        {%- set per_file -%}
            with delivered as (
                select
                    {{ key }} as record_key,
                    _source_file
                from {{ model }}
                where
                    not _is_quarantined
                    and _ingested_at > {{ watermark }}
            ),

            -- the delivery's keys that have records of more than one content
            rewritten_keys as (
                select {{ key }} as record_key
                from {{ model }}
                where
                    not _is_quarantined
                    {%- if not is_most %}
                    and {{ key }} in (select delivered.record_key from delivered)
                    {%- endif %}
                group by {{ key }}
                having min(_raw_record_hash) != max(_raw_record_hash)
            )

            select
                delivered._source_file as source_file,
                count(*) as records,
                count(rewritten_keys.record_key) as rewriting_records
            from delivered
            left join rewritten_keys
                on delivered.record_key = rewritten_keys.record_key
            group by delivered._source_file
            order by rewriting_records desc, source_file
        {%- endset %}
        {%- set records = namespace(total=0, rewriting=0) %}
        {%- set named_files = [] %}
        {#- nothing delivered: nothing to look up -#}
        {%- set files = run_query(per_file).rows if size[1] | int > 0 else [] %}
        {%- for source_file, count, rewriting in files %}
            {%- set records.total = records.total + count | int %}
            {%- set records.rewriting = records.rewriting + rewriting | int %}
            {%- if rewriting | int > 0 and named_files | length < 3 %}
                {%- do named_files.append(source_file ~ ' (' ~ rewriting ~ ')') %}
            {%- endif %}
        {%- endfor %}
        {%- if records.rewriting > threshold * records.total
            and records.rewriting >= min_records %}
            {{ exceptions.raise_compiler_error(
                source_table ~ " delivery rejected: " ~ records.rewriting ~ " of " ~ records.total
                ~ " records delivered since the last complete build ("
                ~ "%.1f" | format(100.0 * records.rewriting / records.total)
                ~ "%) carry the " ~ key_column ~ " of another, different record, over the "
                ~ "%g" | format(100 * threshold) ~ "% threshold. Its records are written once:"
                ~ " staging would replace the earlier records with these (a collector or an"
                ~ " export that numbers its records anew in each file reuses the ids). Files: "
                ~ named_files | join(', ') ~ ". dbt build skips everything downstream of "
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
            {{ records.rewriting }} as rewriting_records,
            {{ records.total }} as records
        where
            {{ records.rewriting }} > {{ threshold }} * {{ records.total }}
            and {{ records.rewriting }} >= {{ min_records }}
    {%- endif %}
{% endtest %}
