{#-
    Warns about the CSV files that end without a line break (their last row may be cut off),
    naming each, with its last row's field count when it has fewer than its header's.
    `unterminated`: [file name, header, the last row's fields] of duckdb__csv_header_groups;
    `name_counts`: {header: its column count}.
-#}
{% macro duckdb__warn_unterminated_csv_files(unterminated, name_counts) %}
    {%- if unterminated -%}
        {%- set named = [] -%}
        {%- for filename, header, fields in unterminated -%}
            {%- do named.append(filename | tojson ~ (" (its last row has " ~ fields ~ " of the"
                ~ " header's " ~ name_counts[header] ~ " fields)" if fields < name_counts[header] else "")) -%}
        {%- endfor -%}
        {%- do exceptions.warn("Landing file(s) end without a line break, so their last row may"
            ~ " be cut off: " ~ named | join(', ') ~ ". The row is loaded as far as it goes"
            ~ " (quarantined if a required field is missing); compare the file with its source."
            ~ " A file still being written when bronze read it is named as modified on the next"
            ~ " run (docs/landing_contract.md).") -%}
    {%- endif -%}
{% endmacro %}
