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

{#-
    Var `reporting_time_zone`: an IANA time zone name (`America/New_York`, `Europe/Berlin`,
    `UTC`). The value comes from the command line, so it is checked against the zone database
    (pytz) and stops the build with a sentence when it names no zone.
-#}
{% macro reporting_time_zone() -%}
    {%- set zone = var('reporting_time_zone', 'UTC') | string -%}
    {%- if zone not in modules.pytz.all_timezones_set -%}
        {{ exceptions.raise_compiler_error(
            "var reporting_time_zone must be an IANA time zone name such as UTC, "
            ~ "America/New_York or Europe/Berlin, not '" ~ zone ~ "'.") }}
    {%- endif -%}
    {{ return(zone) }}
{%- endmacro %}

{#- Var `reporting_time_zone` as a string column, named after it: the zone a row's days are in -#}
{% macro reporting_time_zone_column() -%}
    cast({{ customer360.sql_literal(customer360.reporting_time_zone()) }} as {{ dbt.type_string() }})
        as reporting_time_zone
{%- endmacro %}
