{#-
    Whether a timestamp of a landing record can be true: not before the var
    `earliest_plausible_timestamp` (default 1970-01-02: the Unix epoch, 1970-01-01, is what
    many systems write for "unknown") and not more than a day after the record was delivered
    (`_ingested_at`; the day allows for clocks and time zones). A condition for a rule of
    `dq_expectations`; null (a missing timestamp) counts as failed there.
-#}
{% macro timestamp_is_plausible(column) -%}
    ({{ column }} >= cast({{ sql_literal(var('earliest_plausible_timestamp')) }} as timestamp)
    and {{ column }} <= _ingested_at + interval 1 day)
{%- endmacro %}


{#- The quarantine reason of a record whose `columns` (a name, or a sentence naming them) fail
    timestamp_is_plausible. -#}
{% macro implausible_timestamp_reason(columns) -%}
    {{ columns }} is before {{ var('earliest_plausible_timestamp') }} or more than a day after the record was delivered
{%- endmacro %}
