{#-
    The raw record of a base row, as two columns: the named columns as a JSON object text
    (`_raw_record`, kept in quarantine for inspection and replay) and as a 64-bit hash
    (`_raw_record_hash`, cheap to group on when counting exact duplicates).
-#}
{% macro raw_record(column_names) -%}
    {{ to_json_object(column_names) }} as _raw_record,
    {{ row_hash(column_names) }} as _raw_record_hash
{%- endmacro %}

{#- A 64-bit hash of the values of the named columns (nulls included). -#}
{% macro row_hash(column_names) %}
    {{ return(adapter.dispatch('row_hash', 'customer360')(column_names)) }}
{% endmacro %}

{% macro duckdb__row_hash(column_names) -%}
    hash({{ column_names | join(', ') }})
{%- endmacro %}

{% macro spark__row_hash(column_names) -%}
    xxhash64({{ column_names | join(', ') }})
{%- endmacro %}
