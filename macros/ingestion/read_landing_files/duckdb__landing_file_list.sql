{#- File paths as a DuckDB list of string literals, for a reader: `['a.csv', 'b.csv']`. -#}
{% macro duckdb__landing_file_list(files) -%}
    [{% for file in files %}{{ sql_literal(file) }}{{ ', ' if not loop.last }}{% endfor %}]
{%- endmacro %}
