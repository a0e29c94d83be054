{#-
    DuckDB, at compile time: the lines of a CSV file (`lines`, a list of its text lines) after
    the first that are a header line again, as text (`3 other, 120 same`; empty when none):
    their names, lower-cased and without quotes, spaces or a byte order mark, are the first
    line's (`header`) in another order (`other`) or the same (`same`). Two exports appended
    into one file leave the second one's header in the middle. Only the lines of a file whose
    text after the first line holds the header's first name (`may_repeat`, once per file)
    are compared.
-#}
{% macro duckdb__repeated_csv_headers(lines, header, may_repeat) -%}
    {%- set names = "list_transform(string_split(lower(replace(rtrim(@, chr(13)), chr(65279), '')), ','), lambda name: trim(name, ' \"'))" -%}
    {%- set first_name = "lower(trim(split_part(" ~ header ~ ", ',', 1), ' \"'))" -%}
    case
        when {{ may_repeat }} then array_to_string(list_filter(list_transform({{ lines }}, lambda line, i:
            case
                when
                    i > 1 and contains(lower(line), {{ first_name }})
                    and list_sort({{ names | replace('@', 'line') }}) = list_sort({{ names | replace('@', header) }})
                    then concat(i, if({{ names | replace('@', 'line') }} = {{ names | replace('@', header) }}, ' same', ' other'))
            end), lambda entry: entry is not null), ', ')
        else ''
    end
{%- endmacro %}


{#- Whether the text of a CSV file after its first line holds the header's first name (any
    case): the files whose lines duckdb__repeated_csv_headers compares. -#}
{% macro duckdb__may_repeat_csv_header(text, lines, header) -%}
    contains(lower(substr({{ text }}, strlen({{ lines }}[1]) + 2)), lower(trim(split_part({{ header }}, ',', 1), ' "')))
{%- endmacro %}


{#-
    Stops the build when a CSV file has a header line again further down with its columns in
    another order (the rows after it would be read under the first line's columns: values in
    the wrong columns), and warns when it repeats the first line (the rows are read right; the
    repeated line is read as a record, and quarantined where its values fail a rule).
    `repeated`: [file name, the lines as duckdb__repeated_csv_headers gives them].
-#}
{% macro duckdb__check_repeated_csv_headers(repeated) %}
    {%- set reordered, same = [], [] -%}
    {%- for filename, found in repeated -%}
        {%- set other_lines, same_lines = [], [] -%}
        {%- for entry in found.split(', ') -%}
            {%- set number, kind = entry.split(' ') -%}
            {%- do (other_lines if kind == 'other' else same_lines).append(number) -%}
        {%- endfor -%}
        {%- if other_lines %}{% do reordered.append(filename | tojson ~ " line " ~ other_lines | join(', ')) %}{% endif -%}
        {%- if same_lines %}{% do same.append(filename | tojson ~ " line " ~ same_lines | join(', ')) %}{% endif -%}
    {%- endfor -%}
    {%- if reordered -%}
        {{ exceptions.raise_compiler_error(
            "Landing file(s) hold a second header line with the columns in another order (two"
            ~ " exports appended into one file?): " ~ reordered | join('; ') ~ ". The rows after"
            ~ " it would be read under the first line's columns, their values in the wrong"
            ~ " columns. Split each file at that line, each part with its header, or move it"
            ~ " out of the landing root, then build (docs/landing_contract.md).") }}
    {%- endif -%}
    {%- if same -%}
        {%- do exceptions.warn("Landing file(s) repeat their header line further down (two"
            ~ " exports appended into one file?): " ~ same[:5] | join('; ')
            ~ (" and " ~ (same | length - 5) ~ " more file(s)" if same | length > 5 else "")
            ~ ". The rows are read right; each repeated header line is read as a record,"
            ~ " quarantined where its values fail a rule (the column names are no order id).") -%}
    {%- endif -%}
{% endmacro %}
