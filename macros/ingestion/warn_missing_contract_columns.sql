{#-
    Warns when landing `files` of one header or schema (`present`: their column names) lack a
    column of the contract (landing_contract_columns):
    - a required one: each of their records will be quarantined for it, and the warning says
      why before the quarantine's reason does ("currency is not an ISO 4217 code"). Names
      match case-sensitively (as Databricks' read_files does by default), so a column in
      another case (`CURRENCY`) is named as the likely cause, and so is another delimiter
      when the header reads as one column holding `;`, a tab or `|`, Excel's `sep=,` line
      before the header, a missing header row when header names look like values (a
      number, a date, an email), and JSON lines that are pages of an API response (keys
      such as `page` and `data`);
    - an optional one, when the files have a column the contract does not know named like it
      (`customer_email` for `email`; for an id, any unknown id column: `customer_id` or
      `userId` for `shop_account_id`, as shop systems name the account): renamed by the
      exporter, its values would go unused (in _rescued_data) while the contract's column
      reads as absent, with no word (every order a guest's).
    For a required column a look-alike is named as the likely cause too.
-#}
{% macro warn_missing_contract_columns(contract, present, files) %}
    {%- set columns = landing_contract_columns(contract.name).columns -%}
    {%- set unknown = [] -%}
    {%- for name in present
        if name not in columns and name not in ('filename', 'file_row_number')
        and not name.startswith('_') -%}
        {%- do unknown.append(name) -%}
    {%- endfor -%}
    {%- set missing, renamed = [], [] -%}
    {%- for name, column in columns.items() if name not in present -%}
        {%- set alike = [] -%}
        {#- a required name in another case has its own hint, below -#}
        {%- for candidate in columns_named_like(name, unknown)
            if not column.required or candidate | lower != name -%}
            {%- do alike.append(candidate) -%}
        {%- endfor -%}
        {%- if column.required -%}
            {%- do missing.append(name) -%}
        {%- endif -%}
        {%- if alike -%}
            {%- do renamed.append(name ~ ' (' ~ alike | map('tojson') | join(', ') ~ ')') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set named = " (" ~ files[0] | tojson ~ (", ..." if files | length > 1 else "") ~ ")" -%}
    {%- set renamed_hint = (" The files have columns the contract does not know named like the"
        ~ " contract's (in brackets): " ~ renamed | join(', ') ~ ". Renamed by the exporter?"
        ~ " Their values go unused (to _rescued_data): deliver the files with the contract's"
        ~ " names, or rename the column in the source's yml (docs/landing_contract.md).") -%}
    {%- if missing -%}
        {%- set lowered = present | map('lower') | list -%}
        {%- set looks_like_data = [] -%}
        {%- for name in present if modules.re.match('^[0-9][0-9.:+TZ /-]*$|.*@', name) -%}
            {%- do looks_like_data.append(name) -%}
        {%- endfor -%}
        {%- set excel_hint = (present[0] | lower).startswith('sep=') -%}
        {%- set envelope = lowered | select('in', ['data', 'items', 'results', 'records',
            'rows', 'hits', 'entries', 'page', 'next', 'cursor']) | list -%}
        {%- set other_case = missing | select('in', lowered) | list -%}
        {%- do exceptions.warn(files | length ~ " landing file(s) of " ~ contract.name ~ named
            ~ " have no column " ~ missing | join(', ') ~ ", which the contract requires: each"
            ~ " of their records is quarantined."
            ~ (" Column names match case-sensitively: the files have " ~ other_case | join(', ')
                ~ " in another case." if other_case else "")
            ~ (" Their header is one column, " ~ present[0] | tojson ~ ": the files may be"
                ~ " delimited by another character than the contract's comma."
                if present | length == 1 and modules.re.search('[;\t|]', present[0]) else "")
            ~ (" Their first line is Excel's delimiter hint (" ~ present[0] | tojson ~ "...):"
                ~ " remove it, so that the header is the first line." if excel_hint else "")
            ~ (" Their header holds values (" ~ looks_like_data[:2] | map('tojson') | join(', ')
                ~ "): the files may have no header row, and their first row was read as one"
                ~ " (it is in no table); add the header and deliver them again under new names."
                if looks_like_data else "")
            ~ (" Their keys are those of a paged API response (" ~ envelope | join(', ')
                ~ "): each line is likely a page of records, not one record; export one record"
                ~ " per line." if envelope else "")
            ~ (renamed_hint if renamed else "")) -%}
    {%- elif renamed -%}
        {%- do exceptions.warn(files | length ~ " landing file(s) of " ~ contract.name ~ named
            ~ " lack optional columns of the contract, read as absent (their defaults)."
            ~ renamed_hint) -%}
    {%- endif -%}
{% endmacro %}


{#-
    The `candidates` (column names) named like the contract column `name`: once both are
    lower-cased and stripped of all but letters and digits, one contains the other
    (`customer_email`, `E-Mail` or `email_address` for `email`), names of 3 or more such
    characters only; for an id (`name` ending in `_id`), also every candidate that is an id
    too (`customer_id`, `userId`, `CustomerID` for `shop_account_id`; not `paid` or `valid`).
-#}
{% macro columns_named_like(name, candidates) %}
    {%- set wanted = modules.re.sub('[^a-z0-9]', '', name | lower) -%}
    {%- set alike = [] -%}
    {%- for candidate in candidates -%}
        {%- set found = modules.re.sub('[^a-z0-9]', '', candidate | lower) -%}
        {%- set both_ids = name.endswith('_id')
            and modules.re.search('(^|[_ .-])[iI][dD]$|[a-z]Id$|ID$', candidate) -%}
        {%- if found | length >= 3 and (wanted in found or found in wanted) or both_ids -%}
            {%- do alike.append(candidate) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(alike) }}
{% endmacro %}
