{#-
    The landing contract of one source table, read from its yml: where its files are,
    their format, and the contract columns in order (name → data_type).
-#}
{% macro landing_source_contract(source_name, table_name) %}
    {% set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | first %}
    {% if node is not defined or node is none %}
        {{ exceptions.raise_compiler_error(
            "No source " ~ source_name ~ "." ~ table_name ~ " is declared in a _*__sources.yml file.") }}
    {% endif %}
    {% set meta = node.config.meta if node.config.meta else node.meta %}
    {% if not meta.get('landing_path') or not meta.get('format') %}
        {{ exceptions.raise_compiler_error(
            "Source " ~ source_name ~ "." ~ table_name
            ~ " needs meta.landing_path and meta.format to be read from the landing zone.") }}
    {% endif %}
    {% set columns = {} %}
    {% for column in node.columns.values() %}
        {% do columns.update({column.name: column.data_type or 'string'}) %}
    {% endfor %}
    {{ return({
        'path': var('landing_root') ~ '/' ~ meta['landing_path'],
        'format': meta['format'],
        'columns': columns,
    }) }}
{% endmacro %}
