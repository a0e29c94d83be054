{#-
    The landing file of each row, as a plain path: Spark gives a URI (`file:` for local files,
    special characters percent-encoded: `o%27brien`, `%20`), decoded here (a `+` is a plus).
-#}
{% macro spark__landing_file_path() -%}
    url_decode(replace(regexp_replace(_metadata.file_path, '^file:(//)?', ''), '+', '%2B'))
{%- endmacro %}
