{#-
    The files of a delivery guard's sentence: `files`, a list of (file, records) pairs in the
    order to name them, as `file (records)`, the first three, then how many more.
-#}
{% macro files_with_counts(files) %}
    {%- set named = [] %}
    {%- for source_file, count in files[:3] %}
        {%- do named.append(source_file ~ ' (' ~ count ~ ')') %}
    {%- endfor %}
    {%- if files | length > 3 %}
        {%- do named.append('and ' ~ (files | length - 3) ~ ' more') %}
    {%- endif %}
    {{- return(named | join(', ')) }}
{%- endmacro %}
