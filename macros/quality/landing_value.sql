{#-
    A landing column of `relation` (a bronze model) with its contract default applied: an
    absent or empty value takes the column's `default` or the value of its `default_column`.
    Columns with no default are returned as they are. Only absence is replaced: a value that is
    there but does not parse is left to fail its type cast and the base model's rules.
-#}
{% macro landing_value(source_table, column_name, relation='source') %}
    {#- the sources are known once the project is parsed, and not in dbt unit tests (their
        graph holds no sources): there the column is returned as it is -#}
    {%- if not execute or 'sources' not in graph -%}
        {{ return(relation ~ '.' ~ column_name) }}
    {%- endif -%}
    {%- set contract = landing_contract_columns(source_table) -%}
    {%- set column = contract.columns.get(column_name) -%}
    {%- if column is none -%}
        {{ exceptions.raise_compiler_error(
            "Column " ~ column_name ~ " is not in the contract of source " ~ source_table ~ ".") }}
    {%- endif -%}
    {%- set is_text = contract.format != 'parquet' -%}
    {%- set raw = relation ~ '.' ~ column_name -%}
    {%- if column.default is not none -%}
        {%- set value = column.default if column.default is string else column.default | tojson -%}
        {%- set literal = "'" ~ (value | replace("'", "''")) ~ "'" -%}
        {%- set fallback = literal if is_text else 'cast(' ~ literal ~ ' as ' ~ column.data_type ~ ')' -%}
    {%- elif column.default_column -%}
        {%- set other = relation ~ '.' ~ column.default_column -%}
        {%- set fallback = "nullif(trim(" ~ other ~ "), '')" if is_text else other -%}
    {%- else -%}
        {{ return(raw) }}
    {%- endif -%}
    {%- if is_text -%}
        coalesce(nullif(trim({{ raw }}), ''), {{ fallback }})
    {%- else -%}
        coalesce({{ raw }}, {{ fallback }})
    {%- endif -%}
{% endmacro %}
