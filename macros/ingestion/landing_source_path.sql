{#-
    The SQL expression of a landing file's path relative to the landing root (`_source_path`),
    over `file_column`, a full path as an engine's reader or lister spells it: the contract's
    folder (meta.landing_path, relative by construction) and the file name. It never depends on
    how the landing root is spelled (relative or absolute, a moved clone, a symlink, `dbfs:` or
    `/Volumes` on Databricks), so it is the identity bronze remembers a file by.
-#}
{% macro landing_source_path(contract, file_column) -%}
    concat(
        {{ sql_literal(contract.directory ~ '/' if contract.directory else '') }},
        regexp_extract({{ file_column }}, '[^/]*$', 0)
    )
{%- endmacro %}
