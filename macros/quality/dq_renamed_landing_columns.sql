{#-
    The warning on a renamed column (severity warn), on a bronze model (`model`, of landing
    table `source_table`), over the records delivered since the last complete build (macro
    dq_delivery_watermark): a column the contract does not know, in the `_rescued_data` of
    some of them, named like a contract column (columns_named_like: `customer_email` for
    `email`, `userId` for `shop_account_id`; `EMAIL` for `email` only) that no record of the
    files carrying it has a value for. The exporter likely renamed the column: its values go
    unused while the contract's column reads as absent (an optional one as its default: every
    order a guest's), and on Spark and Databricks nothing else says so (DuckDB's reader names
    the files' look-alike columns in the log as it reads them). The test returns one row per
    such column (its name, the contract column, the records of its files), so that dbt counts
    a WARN, and logs a sentence that says what to do. The rescued JSON of every engine is read
    alike; its keys that are no column of the files are left out: Databricks' `_file_path` and
    the `_field_<position>` of a ragged CSV row's extra fields.
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
        {%- endset %}
        {%- set keys_query -%}
            select distinct {{ json_object_key_rows('_rescued_data') }} as landing_column
            from {{ model }}
            where {{ delivered }} and _rescued_data is not null
        {%- endset %}
        {%- set columns = landing_contract_columns(source_table).columns %}
        {%- set unknown = [] %}
        {%- for key in run_query(keys_query).columns[0].values()
            if key not in columns and key != '_file_path'
            and not modules.re.match('^_field_[0-9]+$', key) %}
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
                and _source_file in (
                    {#- the files that carry the column (names resolve to this inner read) #}
                    select _source_file from {{ model }}
                    where {{ delivered }} and {{ json_object_has_key('_rescued_data', key) }}
                )
            having count(*) > 0 and count({{ name }}) = 0
            {%- endfor %}
        {%- endset %}
        {%- set flagged = run_query(flagged_query).rows if renamed else [] %}
        {%- if flagged %}
            {%- set named = [] %}
            {%- for key, name, records in flagged %}
                {%- do named.append('"' ~ key ~ '" for ' ~ name ~ " (" ~ records ~ " records)") %}
            {%- endfor %}
            {%- do log(source_table ~ ": files delivered since the last complete build have"
                ~ " columns the contract does not know, named like contract columns that none of"
                ~ " their records has a value for: " ~ named | join(', ') ~ ". Renamed by the"
                ~ " exporter? Their values go unused (in _rescued_data of " ~ model ~ ") and the"
                ~ " contract's columns read as absent: deliver the files with the contract's"
                ~ " names, or rename the column in the source's yml (docs/landing_contract.md).",
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
