{#-
    The guard on a delivery, like Databricks' expect_or_fail on a rate: the records of one
    landing table (`source_table`, on its base model `model`) delivered since the last complete
    build are counted, and when more than the table's share in the var
    `quarantine_rate_thresholds` (its `default` otherwise, 5 %) were quarantined, and at least
    `quarantine_rate_min_records` (2) records, the build stops with one sentence: the table, the
    counts, the rule that dropped the most, the files and what to do. The minimum keeps one bad
    record of a small delivery in quarantine without stopping the daily build (one of the
    sample's 14 CRM records a day is 7 %). Within the threshold, a table with quarantined records gets one line in the build's
    log: the counts and the rule that dropped the most; and a table with records kept with
    warnings (warn rules, `_dq_warnings`) one line too: the counts and the most frequent
    warning. With the default severity (error) nothing downstream of the base model is built,
    so staging, the quarantine table and gold keep the state of the last good build.

    "Since the last complete build": ingested after the `_max_ingested_at` that
    dq_record_accounting (built after staging and the quarantine) holds for the table, so a
    delivery that failed stays pending, and the build fails again until the delivery is fixed
    or the threshold raised: a re-run or a job retry does not let it through. Looked up at run
    time, not through ref(), which would make the guard wait for the models it protects.
-#}
{% test dq_quarantine_rate(model, source_table) %}
    {%- if not execute %}
        select 1 as records where 1 = 0
    {%- else %}
        {%- set thresholds = var('quarantine_rate_thresholds', {}) %}
        {%- set threshold = thresholds.get(source_table, thresholds.get('default', 0.05)) | float %}
        {%- set min_records = number_var('quarantine_rate_min_records', 1, integer=true) %}
        {%- set accounting_node = graph.nodes.values()
            | selectattr('resource_type', 'equalto', 'model')
            | selectattr('name', 'equalto', 'dq_record_accounting')
            | first %}
        {%- set accounting = adapter.get_relation(
            database=accounting_node.database,
            schema=accounting_node.schema,
            identifier=accounting_node.alias) if accounting_node else none %}
        {%- set pending -%}
            select
                _source_file as source_file,
                _dq_rule as rule_name,
                _dq_warnings as warnings,
                count(*) as records
            from {{ model }}
            where _ingested_at > coalesce(
                {%- if accounting %}
                (
                    select max(accounting._max_ingested_at) from {{ accounting }} as accounting
                    where accounting.source_table = '{{ source_table }}'
                ),
                {%- endif %}
                {{ before_first_ingestion() }}
            )
            group by _source_file, _dq_rule, _dq_warnings
            order by _source_file, _dq_rule, _dq_warnings
        {%- endset %}
        {%- set records = namespace(total=0, quarantined=0, warned=0) %}
        {%- set by_rule = {} %}
        {%- set by_file = {} %}
        {%- set by_warning = {} %}
        {%- for source_file, rule_name, warnings, count in run_query(pending).rows %}
            {%- set records.total = records.total + count | int %}
            {%- if warnings is not none and rule_name is none %}
                {%- set records.warned = records.warned + count | int %}
                {%- for warning in warnings.split(', ') %}
                    {%- do by_warning.update({warning: by_warning.get(warning, 0) + count | int}) %}
                {%- endfor %}
            {%- endif %}
            {%- if rule_name is not none %}
                {%- set records.quarantined = records.quarantined + count | int %}
                {%- do by_rule.update({rule_name: by_rule.get(rule_name, 0) + count | int}) %}
                {%- do by_file.update({source_file: by_file.get(source_file, 0) + count | int}) %}
            {%- endif %}
        {%- endfor %}
        {%- set is_over_threshold = records.quarantined > threshold * records.total %}
        {%- if is_over_threshold and records.quarantined >= min_records %}
            {%- set top_rule = by_rule | dictsort(by='value', reverse=true) | first %}
            {%- set files = by_file | dictsort(by='value', reverse=true) | list %}
            {%- set named_files = [] %}
            {%- for source_file, count in files[:3] %}
                {%- do named_files.append(source_file ~ ' (' ~ count ~ ')') %}
            {%- endfor %}
            {%- if files | length > 3 %}
                {%- do named_files.append('and ' ~ (files | length - 3) ~ ' more') %}
            {%- endif %}
            {{ exceptions.raise_compiler_error(
                source_table ~ " delivery rejected: " ~ records.quarantined ~ " of " ~ records.total
                ~ " records delivered since the last complete build ("
                ~ "%.1f" | format(100.0 * records.quarantined / records.total)
                ~ "%) were quarantined, over the " ~ "%g" | format(100 * threshold)
                ~ "% threshold; most by " ~ top_rule[0] ~ " (" ~ top_rule[1] ~ "). Files: "
                ~ named_files | join(', ') ~ "."
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
            {%- set top_rule = by_rule | dictsort(by='value', reverse=true) | first %}
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
        {%- if records.warned > 0 %}
            {%- set top_warning = by_warning | dictsort(by='value', reverse=true) | first %}
            {%- do log(source_table ~ ": " ~ records.warned ~ " of " ~ records.total
                ~ " records delivered since the last complete build ("
                ~ "%.1f" | format(100.0 * records.warned / records.total)
                ~ "%) kept with warnings, most " ~ top_warning[0] ~ " (" ~ top_warning[1]
                ~ "): select _dq_warnings, count(*) from " ~ model
                ~ " where _dq_warnings is not null group by _dq_warnings", info=true) %}
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
