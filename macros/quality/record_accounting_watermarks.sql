{#-
    The watermarks dq_record_accounting (`accounting`, its existing table) adds the new
    records from: {landing table: latest ingestion time counted, as text}. None when it must
    count everything again from scratch instead: when it lacks a column or a landing table,
    when a privacy operation changed rows after the records it counted were ingested (the
    privacy audit table), or when the records it counted are no longer all in bronze (a
    bronze table was rebuilt or purged); the reason is logged. A change of a drop rule or of a
    base view's raw-record columns is not detected: like every incremental model of silver,
    the accounting then needs --full-refresh.
    The checks use the watermarks as literals (no correlated subqueries, which older Spark
    runtimes reject with non-equality predicates).
-#}
{% macro record_accounting_watermarks(accounting) %}
    {% if not execute %}
        {{ return(none) }}
    {% endif %}
    {% set columns = adapter.get_columns_in_relation(accounting) | map(attribute='name') | list %}
    {% for needed in ['accepted_records', 'distinct_versions', 'distinct_keys', '_max_ingested_at'] %}
        {% if needed not in columns %}
            {% do log("dq_record_accounting: no " ~ needed ~ " column yet; counting from scratch.", info=true) %}
            {{ return(none) }}
        {% endif %}
    {% endfor %}

    {% set counted = {} %}
    {% for source_table, bronze_records, watermark in run_query(
        "select source_table, bronze_records, cast(_max_ingested_at as " ~ dbt.type_string()
        ~ ") from " ~ accounting).rows %}
        {% do counted.update({source_table: {'records': bronze_records, 'watermark': watermark}}) %}
    {% endfor %}
    {% set tables = checked_landing_tables() %}
    {% for table in tables if table.source_table not in counted %}
        {% do log("dq_record_accounting: " ~ table.source_table ~ " not counted yet; counting from scratch.", info=true) %}
        {{ return(none) }}
    {% endfor %}

    {% set audit = privacy_audit_relation() %}
    {% if adapter.get_relation(audit.database, audit.schema, audit.identifier) is not none %}
        {% set earliest = counted.values() | map(attribute='watermark') | min %}
        {% set changes = run_query(
            "select count(*) from " ~ audit ~ " where action <> 'none' and requested_at > cast('"
            ~ earliest ~ "' as timestamp)").columns[0].values()[0] %}
        {% if changes > 0 %}
            {% do log("dq_record_accounting: a privacy operation changed rows since the last count; counting from scratch.", info=true) %}
            {{ return(none) }}
        {% endif %}
    {% endif %}

    {% set present_records %}
        {%- for table in tables %}
        select
            '{{ table.source_table }}' as source_table,
            count(*) as present_records
        from {{ ref(table.base_model) }}
        where _ingested_at <= cast('{{ counted[table.source_table].watermark }}' as timestamp)
        {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    {% endset %}
    {% for source_table, present in run_query(present_records).rows %}
        {% if present != counted[source_table].records %}
            {% do log("dq_record_accounting: " ~ source_table ~ " had " ~ counted[source_table].records ~ " records at the last count and has " ~ present ~ " of them now; counting from scratch.", info=true) %}
            {{ return(none) }}
        {% endif %}
    {% endfor %}
    {% set watermarks = {} %}
    {% for source_table, table_counts in counted.items() %}
        {% do watermarks.update({source_table: table_counts.watermark}) %}
    {% endfor %}
    {{ return(watermarks) }}
{% endmacro %}
