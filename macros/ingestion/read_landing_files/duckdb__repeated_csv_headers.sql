{#-
    DuckDB, at compile time: the numbers of the lines of a CSV file (`lines`, a list of its
    text lines) after the first that are a header line again, as text (`3, 120`; empty when
    none): their fields are the header's names in any order and case, in another order than
    the first line `header` when `reordered`, else the same line. Two exports appended into
    one file leave the second one's header in the middle. Only lines of the header's length (a
    CR aside) are compared, so a data line costs a length.
-#}
{% macro duckdb__repeated_csv_headers(lines, header, reordered) -%}
    array_to_string(list_filter(range(2, length({{ lines }}) + 1), lambda i:
        strlen({{ lines }}[i]) between strlen({{ header }}) and strlen({{ header }}) + 1
        and list_sort(list_transform(string_split(lower(rtrim({{ lines }}[i], chr(13))), ','), lambda name: trim(name, ' "')))
        = list_sort(list_transform(string_split(lower({{ header }}), ','), lambda name: trim(name, ' "')))
        and (rtrim({{ lines }}[i], chr(13)) {{ '<>' if reordered else '=' }} {{ header }})), ', ')
{%- endmacro %}


{#-
    Stops the build when a CSV file has a header line again further down with its columns in
    another order (the rows after it would be read under the first line's columns: values in
    the wrong columns), and warns when it repeats the first line (the rows are read right; the
    repeated line is quarantined as a record). `reordered`, `same`: lists of [file name, the
    lines' numbers as text].
-#}
{% macro duckdb__check_repeated_csv_headers(reordered, same) %}
    {%- if reordered -%}
        {%- set named = [] -%}
        {%- for filename, lines in reordered %}{% do named.append(filename | tojson ~ " line " ~ lines) %}{% endfor -%}
        {{ exceptions.raise_compiler_error(
            "Landing file(s) hold a second header line with the columns in another order (two"
            ~ " exports appended into one file?): " ~ named | join('; ') ~ ". The rows after"
            ~ " it would be read under the first line's columns, their values in the wrong"
            ~ " columns. Split each file at that line, each part with its header, or move it"
            ~ " out of the landing root, then build (docs/landing_contract.md).") }}
    {%- endif -%}
    {%- if same -%}
        {%- set named = [] -%}
        {%- for filename, lines in same[:5] %}{% do named.append(filename | tojson ~ " line " ~ lines) %}{% endfor -%}
        {%- do exceptions.warn("Landing file(s) repeat their header line further down (two"
            ~ " exports appended into one file?): " ~ named | join('; ')
            ~ (" and " ~ (same | length - 5) ~ " more file(s)" if same | length > 5 else "")
            ~ ". The rows are read right; each repeated header line is quarantined as a"
            ~ " record (its values are the column names).") -%}
    {%- endif -%}
{% endmacro %}
