{#-
    The landing contract of one source table, read from its yml: where its files are (`path`,
    the glob under the landing root; `directory`, the folder of its files relative to the
    landing root), their format, the contract columns in order (name → data_type), the
    table's name (`<source>.<table>`), and
    whether the table is optional as a whole (meta.optional_table: a landing root may have
    none of its files, and its bronze model then builds empty on every engine).
    The folder part of meta.landing_path must be literal (a wildcard only in the file name):
    bronze identifies a file by that folder and its file name (landing_source_path).
-#}
{% macro landing_source_contract(source_name, table_name) %}
    {% set node = landing_source_node(source_name, table_name) %}
    {% set meta = node.config.meta if node.config.meta else node.meta %}
    {% if not meta.get('landing_path') or not meta.get('format') %}
        {{ exceptions.raise_compiler_error(
            "Source " ~ source_name ~ "." ~ table_name
            ~ " needs meta.landing_path and meta.format to be read from the landing zone.") }}
    {% endif %}
    {% set directory = meta['landing_path'].split('/')[:-1] | join('/') %}
    {% for wildcard in ['*', '?', '[', '{'] if wildcard in directory %}
        {{ exceptions.raise_compiler_error(
            "Source " ~ source_name ~ "." ~ table_name ~ ": meta.landing_path '" ~ meta['landing_path']
            ~ "' has a wildcard in its folder; only the file name may have one.") }}
    {% endfor %}
    {% set columns = {} %}
    {% for column in node.columns.values() %}
        {% do columns.update({column.name: column.data_type or 'string'}) %}
    {% endfor %}
    {{ return({
        'name': source_name ~ '.' ~ table_name,
        'path': var('landing_root') ~ '/' ~ meta['landing_path'],
        'directory': directory,
        'format': meta['format'],
        'columns': columns,
        'optional': meta.get('optional_table', false),
    }) }}
{% endmacro %}
