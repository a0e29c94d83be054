{#-
    The guard on a delivery, like Databricks' expect_or_fail on a rate: the records of one
    landing table (`source_table`, on its base model `model`) delivered since the last complete
    build are counted, and when more than the table's share in the var
    `quarantine_rate_thresholds` (its `default` otherwise, 5 %) were quarantined, and at least
    `quarantine_rate_min_records` (2) records, the build stops with one sentence: the table, the
    counts, the rule that dropped the most, the files and what to do. The minimum keeps one bad
    record of a small delivery in quarantine without stopping the daily build (one of the
    sample's 14 CRM records a day is 7 %). Short of that, a table with quarantined records
    gets one line in the build's log: the counts and the rule that dropped the most. With the
    default severity (error) nothing downstream of the base model is built, so staging, the
    quarantine table and gold keep the state of the last good build. The records counted:
    macro dq_delivery_records; records kept with warnings: test dq_warning_rate.
-#}
{% test dq_quarantine_rate(model, source_table) %}
    {%- if not execute %}
        select 1 as records where 1 = 0
    {%- else %}
        {%- set threshold = share_var('quarantine_rate_thresholds', source_table, 0.05) %}
        {%- set min_records = number_var('quarantine_rate_min_records', 1, integer=true) %}
        {%- set records = dq_delivery_records(model, source_table) %}
        {%- set is_over_threshold = records.quarantined > threshold * records.total %}
        {%- if is_over_threshold and records.quarantined >= min_records %}
            {%- set top_rule = records.by_rule | dictsort(by='value', reverse=true) | first %}
            {%- set files = records.by_file | dictsort(by='value', reverse=true) | list %}
            {{ exceptions.raise_compiler_error(
                source_table ~ " delivery rejected: " ~ records.quarantined ~ " of " ~ records.total
                ~ " records delivered since the last complete build ("
                ~ "%.1f" | format(100.0 * records.quarantined / records.total)
                ~ "%) were quarantined, over the " ~ "%g" | format(100 * threshold)
                ~ "% threshold; most by " ~ top_rule[0] ~ " (" ~ top_rule[1] ~ "). Files: "
                ~ files_with_counts(files) ~ "."
                ~ (" Nearly every record was quarantined, so the cause is likely the files as a"
                    ~ " whole (a required column missing or named in another case, another"
                    ~ " delimiter, values in another format): warnings at the start of the build"
                    ~ " name the CSV and Parquet files that lack a required column, and a JSON"
                    ~ " record keeps the keys the contract does not know in _rescued_data."
                    if records.quarantined >= 0.9 * records.total else "")
                ~ " dbt build skips everything downstream of "
                ~ model.identifier ~ ". See the records and their reasons: select * from " ~ model
                ~ " where _is_quarantined. Correct the files in the landing folder and run dbt build"
                ~ " --full-refresh, or load the delivery as it is (its bad records stay in quarantine)"
                ~ " with --vars '{quarantine_rate_thresholds: {" ~ source_table ~ ": 1}}'.") }}
        {%- elif records.quarantined > 0 %}
            {%- set top_rule = records.by_rule | dictsort(by='value', reverse=true) | first %}
            {%- do log(source_table ~ ": " ~ records.quarantined ~ " of " ~ records.total
                ~ " records delivered since the last complete build ("
                ~ "%.1f" | format(100.0 * records.quarantined / records.total)
                ~ "%) quarantined, most by " ~ top_rule[0] ~ " (" ~ top_rule[1] ~ "), "
                ~ ("over the " if is_over_threshold else "within the ")
                ~ "%g" | format(100 * threshold) ~ "% threshold"
                ~ (" but fewer than the " ~ min_records ~ " records that stop the build"
                    if is_over_threshold else "")
                ~ ": select * from " ~ model
                ~ " where _is_quarantined", info=true) %}
        {%- endif %}
        {#- not rejected: the same check as a query, which returns no row -#}
        select
            {{ records.quarantined }} as quarantined_records,
            {{ records.total }} as records
        where
            {{ records.quarantined }} > {{ threshold }} * {{ records.total }}
            and {{ records.quarantined }} >= {{ min_records }}
    {%- endif %}
{% endtest %}
