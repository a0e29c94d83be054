{#-
    Data-quality expectations on a row, in the manner of Databricks expectations.
    `rules` is a list of {name, severity, expect, reason}: `expect` is a SQL condition that a
    good row satisfies (null counts as failed), `reason` a fixed sentence, or instead
    `reason_sql`, a SQL expression of the row giving the sentence (to name the row's values,
    e.g. the currency and date of an order without an FX rate), `severity` is
      - warn: the row is kept and the rule's name is listed in `_dq_warnings`;
      - drop: the row goes to quarantine (silver `dq_quarantine`) with the first failed rule's
        name in `_dq_rule` and its `reason` in `_dq_reason`, and stays out of staging.
    Fail rules (the build stops) are data tests of severity error on the base models: see
    the `dq_fail` generic test.
    Adds: _dq_rule, _dq_reason, _dq_failed_rules, _dq_warnings, _is_quarantined.
-#}
{% macro dq_expectations(rules) %}
    {%- set drops = rules | selectattr('severity', 'equalto', 'drop') | list -%}
    {%- set warns = rules | selectattr('severity', 'equalto', 'warn') | list -%}
    {%- for rule in rules if rule.severity not in ('warn', 'drop') -%}
        {{ exceptions.raise_compiler_error(
            "Expectation '" ~ rule.name ~ "' has severity '" ~ rule.severity
            ~ "': use warn or drop here, and a dq_fail test for fail rules.") }}
    {%- endfor -%}
    {%- set failed = {} -%}
    {%- for rule in rules -%}
        {%- do failed.update({rule.name: "not coalesce((" ~ rule.expect ~ "), false)"}) -%}
    {%- endfor -%}
    {%- if drops %}
    coalesce(
        {%- for rule in drops %}
        case when {{ failed[rule.name] }} then '{{ rule.name }}' end{{ ',' if not loop.last }}
        {%- endfor %}
    ) as _dq_rule,
    coalesce(
        {%- for rule in drops %}
        case when {{ failed[rule.name] }} then {% if rule.reason_sql %}({{ rule.reason_sql }}){% else %}{{ customer360.sql_literal(rule.reason) }}{% endif %} end{{ ',' if not loop.last }}
        {%- endfor %}
    ) as _dq_reason,
    nullif(concat_ws(', ',
        {%- for rule in drops %}
        case when {{ failed[rule.name] }} then '{{ rule.name }}' end{{ ',' if not loop.last }}
        {%- endfor %}
    ), '') as _dq_failed_rules,
    {%- else %}
    cast(null as {{ dbt.type_string() }}) as _dq_rule,
    cast(null as {{ dbt.type_string() }}) as _dq_reason,
    cast(null as {{ dbt.type_string() }}) as _dq_failed_rules,
    {%- endif %}
    {%- if warns %}
    nullif(concat_ws(', ',
        {%- for rule in warns %}
        case when {{ failed[rule.name] }} then '{{ rule.name }}' end{{ ',' if not loop.last }}
        {%- endfor %}
    ), '') as _dq_warnings,
    {%- else %}
    cast(null as {{ dbt.type_string() }}) as _dq_warnings,
    {%- endif %}
    {%- if drops %}
    ({% for rule in drops %}{{ failed[rule.name] }}{{ ' or ' if not loop.last }}{% endfor %}) as _is_quarantined
    {%- else %}
    false as _is_quarantined
    {%- endif %}
{% endmacro %}
