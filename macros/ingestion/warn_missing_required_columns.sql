{#-
    Warns when landing `files` of one header or schema (`present`: their column names) lack a
    column the contract requires (landing_contract_columns): each of their records will be
    quarantined for it, and the warning says why before the quarantine's reason does
    ("currency is not an ISO 4217 code").
    Names match case-sensitively (as Databricks' read_files does by default), so a column in
    another case (`CURRENCY`) is named as the likely cause, and so is another delimiter when
    the header reads as one column holding `;`, a tab or `|`, and a missing header row when
    header names look like values (a number, a date, an email).
-#}
{% macro warn_missing_required_columns(contract, present, files) %}
    {%- set missing = [] -%}
    {%- for name, column in landing_contract_columns(contract.name).columns.items()
        if column.required and name not in present -%}
        {%- do missing.append(name) -%}
    {%- endfor -%}
    {%- if missing -%}
        {%- set lowered = present | map('lower') | list -%}
        {%- set looks_like_data = [] -%}
        {%- for name in present if modules.re.match('^[0-9][0-9.:+TZ /-]*$|.*@', name) -%}
            {%- do looks_like_data.append(name) -%}
        {%- endfor -%}
        {%- set other_case = missing | select('in', lowered) | list -%}
        {%- do exceptions.warn(files | length ~ " landing file(s) of " ~ contract.name ~ " ("
            ~ files[0] | tojson ~ (", ..." if files | length > 1 else "") ~ ") have no column "
            ~ missing | join(', ') ~ ", which the contract requires: each of their records is"
            ~ " quarantined."
            ~ (" Column names match case-sensitively: the files have " ~ other_case | join(', ')
                ~ " in another case." if other_case else "")
            ~ (" Their header is one column, " ~ present[0] | tojson ~ ": the files may be"
                ~ " delimited by another character than the contract's comma."
                if present | length == 1 and modules.re.search('[;\t|]', present[0]) else "")
            ~ (" Their header holds values (" ~ looks_like_data[:2] | map('tojson') | join(', ')
                ~ "): the files may have no header row, and their first row was read as one"
                ~ " (it is in no table); add the header and deliver them again under new names."
                if looks_like_data else "")) -%}
    {%- endif -%}
{% endmacro %}
