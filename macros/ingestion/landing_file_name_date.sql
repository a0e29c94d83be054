{#-
    The date in a landing file's name, as SQL (null when the name has none): a date with
    separators first (`export_12345678_2026-06-30.csv`), else eight digits that are a date,
    alone or before a time (landing_file_date_patterns), in the last segment of the file's path
    (`file_column`: `_source_path`, `_source_file`, or a record id `_source_path:row`).
    landing_delivery_date reads it; the delivery monitoring names the files without one.
-#}
{% macro landing_file_name_date(file_column) -%}
    {%- set dates = [] -%}
    {%- for pattern in customer360.landing_file_date_patterns() -%}
        {%- set parts = [] -%}
        {%- for group in [1, 2, 3] -%}
            {%- do parts.append('regexp_extract(' ~ file_column ~ ', '
                ~ customer360.sql_literal(pattern) ~ ', ' ~ group ~ ')') -%}
        {%- endfor -%}
        {#- no date in the name: '--', which is no date -#}
        {%- do dates.append(dbt.safe_cast("concat(" ~ (parts | join(", '-', ")) ~ ")", 'date')) -%}
    {%- endfor -%}
    coalesce({{ dates | join(', ') }})
{%- endmacro %}
