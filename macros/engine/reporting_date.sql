{#-
    The day of a UTC timestamp in the reporting time zone (var `reporting_time_zone`, default
    UTC), as a SQL date expression: the day gold counts an order, a session or a ticket in,
    and the day of the FX rates an amount converts at. A shop that names its landing files by
    its local day sets its zone, so that an evening order is on the day of its file, the day
    gold is computed as of. In UTC it is a plain cast.
-#}
{% macro reporting_date(timestamp) -%}
    {%- set zone = customer360.reporting_time_zone() -%}
    {%- if zone == 'UTC' -%}
        cast({{ timestamp }} as date)
    {%- else -%}
        {{ adapter.dispatch('reporting_date', 'customer360')(timestamp, zone) }}
    {%- endif -%}
{%- endmacro %}

{#- DuckDB (ICU): the timestamp read as UTC, then given as the zone's wall-clock time -#}
{% macro duckdb__reporting_date(timestamp, zone) -%}
    cast(timezone({{ customer360.sql_literal(zone) }}, timezone('UTC', {{ timestamp }})) as date)
{%- endmacro %}

{#- Spark and Databricks -#}
{% macro spark__reporting_date(timestamp, zone) -%}
    to_date(from_utc_timestamp({{ timestamp }}, {{ customer360.sql_literal(zone) }}))
{%- endmacro %}

{% macro default__reporting_date(timestamp, zone) -%}
    {{ exceptions.raise_compiler_error(
        "var reporting_time_zone other than UTC is not implemented for " ~ adapter.type()) }}
{%- endmacro %}
