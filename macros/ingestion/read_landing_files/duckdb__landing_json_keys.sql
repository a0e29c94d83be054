{#-
    The keys the JSON objects of UTF-8 JSON-lines `files` have, each once, in name order (a
    line that is no JSON object has none); `max_line_size` as for duckdb__landing_text_lines.
    What duckdb__read_json_lines checks against the contract, as a CSV header is checked.
-#}
{% macro duckdb__landing_json_keys(files, max_line_size) %}
    {%- set keys_query -%}
        select distinct unnest(json_keys(_line)) as json_key
        from (
            select ltrim(line, chr(65279)) as _line
            from read_csv({{ duckdb__landing_file_list(files) }},
                columns = {'line': 'VARCHAR'}, header = false,
                delim = chr(31), quote = '', escape = '', auto_detect = false,
                strict_mode = false, max_line_size = {{ max_line_size }})
        ) as text_lines
        where coalesce(json_valid(_line), false) and starts_with(ltrim(_line), '{')
        order by json_key
    {%- endset -%}
    {{ return(run_query(keys_query).columns[0].values() | list) }}
{% endmacro %}
