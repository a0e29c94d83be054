{#- Stops the run: the contract's format is none the readers know. -#}
{% macro unknown_landing_format(contract) %}
    {{ exceptions.raise_compiler_error("Unknown landing format '" ~ contract.format ~ "' (expected jsonl, csv or parquet).") }}
{% endmacro %}
