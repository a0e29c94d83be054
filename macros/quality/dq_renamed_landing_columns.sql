{#-
    The warning on a renamed column (severity warn), on a bronze model (`model`, of landing
    table `source_table`): the records delivered since the last complete build (macro
    dq_delivery_watermark) whose `_rescued_data` holds a column the contract does not know,
    named like a contract column (columns_named_like: `customer_email` for `email`, `userId`
    for `shop_account_id`, `EMAIL` for `email` only) that none of those records has a value
    for. Such a column was
    likely renamed by the exporter: its values go unused while the contract's column reads as
    absent (an optional one as its default: every order a guest's), with no other word on
    Spark and Databricks (on DuckDB ingestion names it in the log as it reads the files). The
    test returns one row per such column (its name, the contract column, its records), so that
    dbt counts a WARN, and logs a sentence that says what to do. Works on the rescued JSON of
    every engine (Databricks' read_files adds its own `_file_path` key: keys starting with `_`
    are skipped, as no contract column starts with one).
-#}
{% test dq_renamed_landing_columns(model, source_table) %}
    {#- a warning, wherever the test is declared: the project's tests default to error -#}
    {{ config(severity='warn') }}
    {%- if not execute %}
        select 1 as records where 1 = 0
    {%- else %}
        {%- set delivered -%}
            _ingested_at > {{ dq_delivery_watermark(source_table) }}
            and not _is_malformed
            and _rescued_data is not null
        {%- endset %}
        {%- set keys_query -%}
            select distinct {{ json_object_key_rows('_rescued_data') }} as landing_column
            from {{ model }}
            where {{ delivered }}
        {%- endset %}
        {%- set columns = landing_contract_columns(source_table).columns %}
        {%- set unknown = [] %}
        {%- for key in run_query(keys_query).columns[0].values()
            if key not in columns and not key.startswith('_') %}
            {%- do unknown.append(key) %}
        {%- endfor %}
        {%- set renamed = [] %}
        {%- for name in columns %}
            {#- a contract column's name in another case (`EMAIL`) is that column's only -#}
            {%- for key in columns_named_like(name, unknown)
                if key | lower == name or key | lower not in columns %}
                {%- do renamed.append((key, name)) %}
            {%- endfor %}
        {%- endfor %}
        {%- set flagged_query -%}
            {%- for key, name in renamed %}
            {{ 'union all' if not loop.first }}
            select
                {{ sql_literal(key) }} as landing_column,
                {{ sql_literal(name) }} as contract_column,
                count(*) as records
            from {{ model }}
            where
                {{ delivered }}
                and _rescued_data like {{ sql_literal('%' ~ key | tojson ~ ':%') }}
            having count({{ name }}) = 0
            {%- endfor %}
        {%- endset %}
        {%- set flagged = run_query(flagged_query).rows if renamed else [] %}
        {%- if flagged %}
            {%- set named = [] %}
            {%- for key, name, records in flagged %}
                {%- do named.append(key | tojson ~ " for " ~ name ~ " (" ~ records ~ " records)") %}
            {%- endfor %}
            {%- do log(source_table ~ ": records delivered since the last complete build carry"
                ~ " columns the contract does not know, named like contract columns that none of"
                ~ " them has a value for: " ~ named | join(', ') ~ ". Renamed by the exporter?"
                ~ " Their values go unused (in _rescued_data of " ~ model ~ ") and the contract's"
                ~ " columns read as absent: deliver the files with the contract's names, or"
                ~ " rename the column in the source's yml (docs/landing_contract.md).",
                info=true) %}
            {%- for key, name, records in flagged %}
            {{ 'union all' if not loop.first }}
            select
                {{ sql_literal(key) }} as landing_column,
                {{ sql_literal(name) }} as contract_column,
                {{ records }} as records
            {%- endfor %}
        {%- else %}
            select 1 as records where 1 = 0
        {%- endif %}
    {%- endif %}
{% endtest %}
