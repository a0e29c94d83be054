{#-
    A landing column of `relation` (a bronze model) with its contract default applied: an
    absent value takes the column's `default` or the value of its `default_column`. In a text
    format (CSV, JSON lines) a value is absent when it is empty or a spelling of "none" that
    exports write (macro trimmed_or_null: NULL, None, N/A, ...), and a value is trimmed; a
    Parquet value is absent when it is null. Only absence is replaced: a value that is there
    but does not parse is left to fail its type cast and the base model's rules
    (unreadable_landing_values names it).
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
        {%- set fallback = trimmed_or_null(other) if is_text else other -%}
    {%- else -%}
        {%- set fallback = none -%}
    {%- endif -%}
    {%- set value = trimmed_or_null(raw) if is_text else raw -%}
    {%- if fallback is none -%}
        {{ value }}
    {%- else -%}
        coalesce({{ value }}, {{ fallback }})
    {%- endif -%}
{% endmacro %}

{#-
    The optional landing columns of `source_table` (a list of names) whose value is there but
    does not read as the column's contract type (`data_type` in the source's yml): a boolean
    `X`, a timestamp in epoch seconds. Such a value is null, or its default, in silver; this is
    the list of their names, comma separated (null when every value reads), for the base
    model's column `_unreadable_values` and its warn rule `values_are_readable`. For Parquet,
    whose values have their type or were rescued in bronze: the columns whose value is in
    the record's `_rescued_data` (a text such as `"five"`, or a floating-point `4.5`, for an
    integer).
-#}
{% macro unreadable_landing_values(source_table, column_names, relation='source') %}
    {{ return(landing_values_named(source_table, column_names, 'unreadable', relation)) }}
{% endmacro %}

{#-
    The decimal landing columns of `source_table` (a list of names) whose value reads as the
    column's contract type only rounded: more decimals than the type keeps (`722.6789` for a
    `decimal(18,2)`), comma separated; null when every value fits. The base models keep it as
    `_rounded_values`, with the warn rule `amounts_are_exact`; silver holds the rounded value,
    bronze the value as sent. A value that does not read at all is left to the other rules.
    Always null for Parquet, whose values bronze already read into the contract type.
-#}
{% macro rounded_landing_values(source_table, column_names, relation='source') %}
    {{ return(landing_values_named(source_table, column_names, 'rounded', relation)) }}
{% endmacro %}

{#-
    The body of unreadable_landing_values and rounded_landing_values: the names of the
    `column_names` whose value fails `check` ('unreadable': there but not of the contract
    type, for Parquet rescued in bronze; 'rounded': of a decimal type only rounded, never for
    Parquet), comma separated, null when none does.
-#}
{% macro landing_values_named(source_table, column_names, check, relation) %}
    {%- if not execute or 'sources' not in graph -%}
        {{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}
    {%- endif -%}
    {%- set contract = landing_contract_columns(source_table) -%}
    {%- if contract.format == 'parquet' and check == 'rounded' -%}
        {{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}
    {%- endif -%}
    {%- set named -%}
    nullif(concat_ws(', ',
        {%- for column_name in column_names %}
            {%- set value = landing_value(source_table, column_name, relation) %}
            {%- set typed = dbt.safe_cast(value, contract.columns[column_name].data_type) %}
        case
            {%- if contract.format == 'parquet' %}
            {#- bronze rescued the value: its column name is a key of the JSON object #}
            when {{ relation }}._rescued_data like {{ sql_literal('%"' ~ column_name ~ '":%') }}
            {%- elif check == 'rounded' %}
            when {{ dbt.safe_cast(value, 'decimal(38, 10)') }} != {{ typed }}
            {%- else %}
            when {{ typed }} is null and ({{ value }}) is not null
            {%- endif %}
                then '{{ column_name }}'
        end{{ ',' if not loop.last }}
        {%- endfor %}
    ), '')
    {%- endset -%}
    {{ return(named) }}
{%- endmacro %}
