{#-
    The day a bronze record was delivered: the date in its landing file's name (the contract's
    `<table>_YYYY-MM-DD.<ext>`), read from the last segment of the file's path (`_source_path`,
    `_source_file`) or of a record id (`_source_path:row`), else the day it was ingested. The
    file name's date is the same on a full refresh; the ingestion day is not, which is why
    the file name is read first.
-#}
{% macro landing_delivery_date(file_column='_source_path', ingested_at_column='_ingested_at') -%}
    coalesce(
        {{ dbt.safe_cast(
            "nullif(regexp_extract(" ~ file_column
            ~ ", '([0-9]{4}-[0-9]{2}-[0-9]{2})[^/]*$', 1), '')", 'date') }},
        cast({{ ingested_at_column }} as date)
    )
{%- endmacro %}
