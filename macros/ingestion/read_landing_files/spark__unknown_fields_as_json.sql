{#- The keys of the map `fields` that the contract does not know, as a JSON object; null when none has a value. -#}
{% macro spark__unknown_fields_as_json(contract, fields) -%}
    case
        when exists(
            map_values(map_filter({{ fields }}, (k, v) -> not array_contains(array('{{ contract.columns.keys() | join("', '") }}'), k))),
            v -> v is not null
        )
            then to_json(map_filter({{ fields }}, (k, v) -> not array_contains(array('{{ contract.columns.keys() | join("', '") }}'), k)))
    end
{%- endmacro %}
