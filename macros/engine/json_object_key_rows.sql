{#-
    The keys of a JSON object held as text (`json_text`, a string column):
    json_object_key_rows gives a row per key, as a select-list expression (`select distinct
    {{ json_object_key_rows('x') }} as key from t` lists the keys of every object in `x`);
    json_object_has_key is true when the object has the key `key` (a Python string, quoted
    here: any character). The text must be a JSON object, or null.
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

{% macro json_object_has_key(json_text, key) -%}
    {{ adapter.dispatch('json_object_has_key', 'customer360')(json_text, key) }}
{%- endmacro %}

{% macro duckdb__json_object_has_key(json_text, key) -%}
    list_contains(json_keys({{ json_text }}), {{ sql_literal(key) }})
{%- endmacro %}

{% macro spark__json_object_has_key(json_text, key) -%}
    array_contains(json_object_keys({{ json_text }}), {{ sql_literal(key) }})
{%- endmacro %}
