{#-
    The contract columns of one landing table (`source_table`: '<source>.<table>'), read from
    the column `config: meta:` of its sources yml: per column its data type, whether it is
    `required` and, for an optional column, what it takes when absent or empty: `default`
    (a value), `default_column` (the value of another contract column of the same record), or
    null when neither is given. Also the table's landing format. Stops the build with a
    sentence when a column does not say whether it is required, or a required one has a default.
-#}
{% macro landing_contract_columns(source_table) %}
    {% set source_name, table_name = source_table.split('.') %}
    {% set node = landing_source_node(source_name, table_name) %}
    {% set table_meta = node.config.meta if node.config.meta else node.meta %}
    {% set columns = {} %}
    {% for column in node.columns.values() %}
        {% set meta = column.config.meta if column.config.meta else column.meta %}
        {% if meta.get('required') not in (true, false) %}
            {{ exceptions.raise_compiler_error(
                "Column " ~ column.name ~ " of source " ~ source_table
                ~ " must say whether it is required: add `config: meta: {required: true}` or"
                ~ " `{required: false}` to it in the sources yml.") }}
        {% endif %}
        {% if meta.required and (meta.get('default') is not none or meta.get('default_column')) %}
            {{ exceptions.raise_compiler_error(
                "Column " ~ column.name ~ " of source " ~ source_table
                ~ " is required, so it cannot have a default: remove the default or make it optional.") }}
        {% endif %}
        {% do columns.update({column.name: {
            'data_type': column.data_type or 'string',
            'required': meta.required,
            'default': meta.get('default'),
            'default_column': meta.get('default_column'),
        }}) %}
    {% endfor %}
    {{ return({'format': table_meta.get('format'), 'columns': columns}) }}
{% endmacro %}
