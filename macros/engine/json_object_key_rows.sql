{#-
    A row per key of the JSON object `json_text` (a string column), as a select-list
    expression: `select distinct {{ json_object_key_rows('x') }} as key from t` lists the keys
    of every object in `x`. The text must be a JSON object (or null: no row).
-#}
{% macro json_object_key_rows(json_text) -%}
    {{ adapter.dispatch('json_object_key_rows', 'customer360')(json_text) }}
{%- endmacro %}

{% macro duckdb__json_object_key_rows(json_text) -%}
    unnest(json_keys({{ json_text }}))
{%- endmacro %}

{#- Spark and Databricks: json_object_keys gives null for a text that is no object -#}
{% macro spark__json_object_key_rows(json_text) -%}
    explode(json_object_keys({{ json_text }}))
{%- endmacro %}
