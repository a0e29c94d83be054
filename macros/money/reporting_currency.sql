{#-
    The reporting currency (var `reporting_currency`, default EUR) as a SQL string literal,
    after checking it is an ISO 4217 code (three capital letters): the value comes from the
    command line, so it is data, never SQL.
-#}
{% macro reporting_currency() -%}
    {%- set code = var('reporting_currency', 'EUR') | string -%}
    {%- if not modules.re.fullmatch('[A-Z]{3}', code) -%}
        {{ exceptions.raise_compiler_error(
            "var reporting_currency must be an ISO 4217 code such as EUR or USD (three capital "
            ~ "letters), not '" ~ code ~ "'.") }}
    {%- endif -%}
    '{{ code }}'
{%- endmacro %}
