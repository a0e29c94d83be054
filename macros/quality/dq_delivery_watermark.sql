{#-
    Where the delivery of one landing table (`source_table`) that the delivery guards count
    begins: a SQL expression of the `_max_ingested_at` that dq_record_accounting (built after
    staging and the quarantine) holds for the table, before_first_ingestion() when it holds
    none. The records ingested after it were delivered since the last complete build, so a
    delivery that failed stays pending and the build fails again until the delivery is fixed
    or the threshold raised: a re-run or a job retry does not let it through. Looked up at run
    time, not through ref(), which would make the guards wait for the models they protect.
-#}
{% macro dq_delivery_watermark(source_table) %}
    {%- set accounting_node = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('name', 'equalto', 'dq_record_accounting')
        | first %}
    {%- set accounting = adapter.get_relation(
        database=accounting_node.database,
        schema=accounting_node.schema,
        identifier=accounting_node.alias) if accounting_node else none -%}
    coalesce(
        {%- if accounting %}
        (
            select max(accounting._max_ingested_at) from {{ accounting }} as accounting
            where accounting.source_table = {{ sql_literal(source_table) }}
        ),
        {%- endif %}
        {{ before_first_ingestion() }}
    )
{%- endmacro %}
