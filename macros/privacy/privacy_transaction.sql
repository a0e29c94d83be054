{#-
    Make the changes of one privacy request all-or-nothing where the engine can: DuckDB runs
    them in one transaction (a failure half-way changes nothing). Delta tables have no
    multi-table transactions: each statement is atomic on its own, and the operations order
    their statements so that a failed request can simply be run again.
-#}
{% macro privacy_begin() %}
    {{ return(adapter.dispatch('privacy_begin', 'customer360')()) }}
{% endmacro %}

{% macro privacy_commit() %}
    {{ return(adapter.dispatch('privacy_commit', 'customer360')()) }}
{% endmacro %}

{% macro default__privacy_begin() %}
{% endmacro %}

{% macro default__privacy_commit() %}
{% endmacro %}

{% macro duckdb__privacy_begin() %}
    {% do adapter.ensure_transaction() %}
{% endmacro %}

{% macro duckdb__privacy_commit() %}
    {% do adapter.commit() %}
{% endmacro %}
