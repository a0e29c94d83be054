{#-
    The SQL condition that a landing file, whose full path is `file_column`, is not in this
    incremental bronze model yet: its path relative to the landing root (landing_source_path)
    is not among the model's `_source_path` values. A file is therefore ingested once, however
    the landing root is spelled.
-#}
{% macro landing_file_is_new(contract, file_column) -%}
    {{ landing_source_path(contract, file_column) }} not in (
        select distinct _source_path from {{ this }}
    )
{%- endmacro %}
