{#-
    The watermark of a table that nothing was ingested into yet, as a SQL timestamp: earlier
    than any `_ingested_at`, so that `_ingested_at > {{ before_first_ingestion() }}` is every
    record.
-#}
{% macro before_first_ingestion() -%}
    cast('1900-01-01 00:00:00' as timestamp)
{%- endmacro %}
