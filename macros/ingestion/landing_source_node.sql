{#-
    The graph node of one landing source table, declared in a `_<source>__sources.yml`:
    what landing_source_contract (where and how its files are read) and
    landing_contract_columns (which columns are required, and their defaults) read. Stops
    with a sentence when no such source is declared.
-#}
{% macro landing_source_node(source_name, table_name) %}
    {% set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | first %}
    {% if node is not defined or node is none %}
        {{ exceptions.raise_compiler_error(
            "No source " ~ source_name ~ "." ~ table_name ~ " is declared in a _*__sources.yml file.") }}
    {% endif %}
    {{ return(node) }}
{% endmacro %}
