{#-
    The records of one landing table (`source_table`, on its base model `model`) delivered
    since the last complete build, counted for the delivery guards (tests dq_quarantine_rate
    and dq_warning_rate): a dict with `total`, `quarantined` and `warned` (kept, with
    warnings) records, and per drop rule, per file of quarantined records and per warn rule
    their records (dicts `by_rule`, `by_file`, `by_warning`).

    "Since the last complete build": ingested after the `_max_ingested_at` that
    dq_record_accounting (built after staging and the quarantine) holds for the table, so a
    delivery that failed stays pending, and the build fails again until the delivery is fixed
    or the threshold raised: a re-run or a job retry does not let it through. Looked up at run
    time, not through ref(), which would make the guards wait for the models they protect.
-#}
{% macro dq_delivery_records(model, source_table) %}
    {%- set accounting_node = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('name', 'equalto', 'dq_record_accounting')
        | first %}
    {%- set accounting = adapter.get_relation(
        database=accounting_node.database,
        schema=accounting_node.schema,
        identifier=accounting_node.alias) if accounting_node else none %}
    {%- set pending -%}
        select
            _source_file as source_file,
            _dq_rule as rule_name,
            _dq_warnings as warnings,
            count(*) as records
        from {{ model }}
        where _ingested_at > coalesce(
            {%- if accounting %}
            (
                select max(accounting._max_ingested_at) from {{ accounting }} as accounting
                where accounting.source_table = {{ sql_literal(source_table) }}
            ),
            {%- endif %}
            {{ before_first_ingestion() }}
        )
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
