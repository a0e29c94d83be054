{#-
    The delivery's warnings in the build's count (severity warn): the records of one landing
    table (`source_table`, on its base model `model`) delivered since the last complete build
    (macro dq_delivery_records) are counted, and when more than the table's share in the var
    `warning_rate_thresholds` (its `default` otherwise, 10 %) were kept with warnings (warn
    rules, `_dq_warnings`: an invalid email, an unknown country, a score out of range), and
    at least `warning_rate_min_records` (3) records, the test returns one row per warn rule
    (the rule and its records), so that dbt counts a WARN: a delivery whose emails an export
    tool broke loses its customers' email links, and a line in the log alone would not be
    seen. Any records kept with warnings also get one line in the build's log: the counts, the
    most frequent warning and the query that lists them.
-#}
{% test dq_warning_rate(model, source_table) %}
    {#- a warning, wherever the test is declared: the project's tests default to error -#}
    {{ config(severity='warn') }}
    {%- if not execute %}
        select 1 as records where 1 = 0
    {%- else %}
        {%- set threshold = share_var('warning_rate_thresholds', source_table, 0.1) %}
        {%- set min_records = number_var('warning_rate_min_records', 1, integer=true) %}
        {%- set records = dq_delivery_records(model, source_table) %}
        {%- set is_over_threshold = records.warned > threshold * records.total %}
        {%- set is_flagged = is_over_threshold and records.warned >= min_records %}
        {%- if records.warned > 0 %}
            {%- set top_warning = records.by_warning | dictsort(by='value', reverse=true) | first %}
            {%- do log(source_table ~ ": " ~ records.warned ~ " of " ~ records.total
                ~ " records delivered since the last complete build ("
                ~ "%.1f" | format(100.0 * records.warned / records.total)
                ~ "%) kept with warnings, most " ~ top_warning[0] ~ " (" ~ top_warning[1] ~ "), "
                ~ ("over" if is_over_threshold else "within") ~ " the "
                ~ "%g" | format(100 * threshold) ~ "% that warns"
                ~ (" but fewer than the " ~ min_records ~ " records that warn"
                    if is_over_threshold and not is_flagged else "")
                ~ ": select _dq_warnings, count(*)"
                ~ " from " ~ model ~ " where _dq_warnings is not null group by _dq_warnings",
                info=true) %}
        {%- endif %}
        {%- if is_flagged %}
            {%- for warning, count in records.by_warning | dictsort %}
            {{ 'union all' if not loop.first }}
            select
                {{ sql_literal(warning) }} as warn_rule,
                {{ count }} as records,
                {{ records.total }} as delivered_records
            {%- endfor %}
        {%- else %}
            select 1 as records where 1 = 0
        {%- endif %}
    {%- endif %}
{% endtest %}
