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
