{#-
    DuckDB: warns about the landing `files` of `contract` that this bronze model ingested (as
    duckdb__landing_files_to_ingest lists them) and that were modified after the run that
    ingested them started (their file time at least a second after its `_ingested_at`: some
    file systems keep file times in whole seconds or coarser). Bronze reads a file once, so
    the change is not loaded: the producer rule is to deliver a change as a new file
    (docs/landing_contract.md). Asked of the file times only, never their bytes, so a folder
    copied without its file times is named too: one warning per table, naming five files and
    counting the rest.
-#}
{% macro duckdb__warn_rewritten_landing_files(contract, files) %}
    {% set rewritten_query %}
        select
            blobs.filename,
            cast(cast(blobs.last_modified as timestamp) as {{ dbt.type_string() }}),
            cast(ingested.first_ingested_at as {{ dbt.type_string() }})
        from read_blob({{ duckdb__landing_file_list(files) }}) as blobs
        inner join (
            select _source_path, min(_ingested_at) as first_ingested_at
            from {{ this }}
            group by _source_path
        ) as ingested
            on {{ landing_source_path(contract, 'blobs.filename') }} = ingested._source_path
        where cast(blobs.last_modified as timestamp)
            >= ingested.first_ingested_at + interval 1 second
        order by blobs.filename
    {% endset %}
    {% set rewritten = run_query(rewritten_query).rows %}
    {% if rewritten %}
        {% set named = [] %}
        {% for file, modified_at, ingested_at in rewritten[:5] %}
            {% do named.append((file | tojson) ~ " (modified " ~ modified_at ~ " UTC, ingested "
                ~ ingested_at ~ " UTC)") %}
        {% endfor %}
        {% do exceptions.warn(rewritten | length ~ " landing file(s) of " ~ contract.name
            ~ " were modified after bronze ingested them: " ~ named | join(', ')
            ~ (", and " ~ (rewritten | length - 5) ~ " more" if rewritten | length > 5 else "")
            ~ ". A file is read once, so a change is not loaded. Deliver changes as a new file;"
            ~ " to load these versions instead, rebuild the table's bronze model with"
            ~ " --full-refresh, which reads every file of the table again. A landing folder"
            ~ " copied or restored without its file times has every file modified, its content"
            ~ " unchanged: nothing is lost then (docs/landing_contract.md).") %}
    {% endif %}
{% endmacro %}
