{#-
    Whether the id `columns` of a landing record (its key, and the ids it refers to) hold the
    ids as their system wrote them, and not a number that a spreadsheet rewrote in scientific
    notation: as a key, the records of several orders (customers, tickets, ...) would share
    one id and be read as versions of one; as a reference, the orders of several accounts
    would be one account's, and their buyers one customer. A condition for a drop rule of
    `dq_expectations`; a null id passes (the `*_present` rules name a missing key).
-#}
{% macro ids_are_exact(columns) -%}
    ({% for column in columns -%}
        not {{ number_in_scientific_notation(column) }}
        {{- ' and ' if not loop.last }}
    {%- endfor %})
{%- endmacro %}


{#- The quarantine reason of a record whose `columns` (a name, or words naming several) fail
    ids_are_exact. -#}
{% macro inexact_ids_reason(columns) -%}
    {{ columns }} is a number in scientific notation (such as 1.00002E+09), as a spreadsheet writes it: its last digits are lost, so the records of several ids would be read as one; export the ids as text
{%- endmacro %}
