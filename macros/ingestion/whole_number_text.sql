{#-
    The text of a floating-point `column` (a Parquet DOUBLE or FLOAT) read into a text column
    of the contract, an id above all: a whole number as an integer (`1000942`, not
    `1000942.0`, which pandas writes for an integer column that has nulls, and which would
    match no other system's id), any other value as the engine writes it.
-#}
{% macro whole_number_text(column) -%}
    case
        when {{ column }} = floor({{ column }}) and abs({{ column }}) < 1e15
            then cast(cast({{ column }} as bigint) as {{ dbt.type_string() }})
        else cast({{ column }} as {{ dbt.type_string() }})
    end
{%- endmacro %}
