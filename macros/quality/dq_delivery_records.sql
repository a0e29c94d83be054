{#-
    The records of one landing table (`source_table`, on its base model `model`) delivered
    since the last complete build, counted for the delivery guards (tests dq_quarantine_rate
    and dq_warning_rate): a dict with `total`, `quarantined` and `warned` (kept, with
    warnings) records, and per drop rule, per file of quarantined records and per warn rule
    their records (dicts `by_rule`, `by_file`, `by_warning`).

    "Since the last complete build": ingested after macro dq_delivery_watermark.
-#}
{% macro dq_delivery_records(model, source_table) %}
    {%- set pending -%}
        select
            _source_file as source_file,
            _dq_rule as rule_name,
            _dq_warnings as warnings,
            count(*) as records
        from {{ model }}
        where _ingested_at > {{ dq_delivery_watermark(source_table) }}
        group by _source_file, _dq_rule, _dq_warnings
        order by _source_file, _dq_rule, _dq_warnings
    {%- endset %}
    {%- set records = namespace(total=0, quarantined=0, warned=0) %}
    {%- set by_rule, by_file, by_warning = {}, {}, {} %}
    {%- for source_file, rule_name, warnings, count in run_query(pending).rows %}
        {%- set records.total = records.total + count | int %}
        {%- if warnings is not none and rule_name is none %}
            {%- set records.warned = records.warned + count | int %}
            {%- for warning in warnings.split(', ') %}
                {%- do by_warning.update({warning: by_warning.get(warning, 0) + count | int}) %}
            {%- endfor %}
        {%- endif %}
        {%- if rule_name is not none %}
            {%- set records.quarantined = records.quarantined + count | int %}
            {%- do by_rule.update({rule_name: by_rule.get(rule_name, 0) + count | int}) %}
            {%- do by_file.update({source_file: by_file.get(source_file, 0) + count | int}) %}
        {%- endif %}
    {%- endfor %}
    {{ return({
        'total': records.total, 'quarantined': records.quarantined, 'warned': records.warned,
        'by_rule': by_rule, 'by_file': by_file, 'by_warning': by_warning}) }}
{% endmacro %}
