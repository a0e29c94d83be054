{#-
    The watermarks an incremental count of bronze records (`counts`, the existing table of
    dq_delivery_counts or dq_record_accounting) adds the new records from: {landing table:
    latest ingestion time counted, as text}. A landing table with no count yet is absent
    (counted from its first record). None when it must count everything again from scratch
    instead: when it lacks a column, when a privacy operation changed rows after the records
    it counted were ingested (the privacy audit table: an anonymised record has another raw
    record hash), or when the records it counted are no longer all in bronze (a bronze table
    was rebuilt or purged, a customer's records deleted); the reason is logged. A change of a
    drop rule or of a base model's raw-record columns is not detected: like every incremental
    model of silver, the count then needs --full-refresh.
    `records_column` is the column of `counts` that holds the bronze records counted (summed
    per landing table), `columns` the other columns the model needs. The checks use the
    watermarks as literals (no correlated subqueries, which older Spark runtimes reject with
    non-equality predicates).
-#}
{% macro bronze_count_watermarks(counts, records_column, columns) %}
    {% if not execute %}
        {{ return(none) }}
    {% endif %}
    {% set present_columns = adapter.get_columns_in_relation(counts) | map(attribute='name') | list %}
    {% for needed in [records_column, '_max_ingested_at'] + columns %}
        {% if needed not in present_columns %}
            {% do log(counts.identifier ~ ": no " ~ needed ~ " column yet; counting from scratch.", info=true) %}
            {{ return(none) }}
        {% endif %}
    {% endfor %}

    {% set counted = {} %}
    {% for source_table, records, watermark in run_query(
        "select source_table, sum(" ~ records_column ~ "), cast(max(_max_ingested_at) as "
        ~ dbt.type_string() ~ ") from " ~ counts ~ " group by source_table").rows
        if watermark is not none %}
        {% do counted.update({source_table: {'records': records | int, 'watermark': watermark}}) %}
    {% endfor %}
    {% set tables = checked_landing_tables() | selectattr('source_table', 'in', counted) | list %}
    {% if tables | length == 0 %}
        {{ return({}) }}
    {% endif %}

    {% set earliest = counted.values() | map(attribute='watermark') | min %}
    {% if privacy_changed_rows_since("cast('" ~ earliest ~ "' as timestamp)") %}
        {% do log(counts.identifier ~ ": a privacy operation changed rows since the last count; counting from scratch.", info=true) %}
        {{ return(none) }}
    {% endif %}

    {% set present_records %}
        {%- for table in tables %}
        select
            '{{ table.source_table }}' as source_table,
            count(*) as present_records
        from {{ ref(table.bronze_model) }}
        where _ingested_at <= cast('{{ counted[table.source_table].watermark }}' as timestamp)
        {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    {% endset %}
    {% for source_table, present in run_query(present_records).rows %}
        {% if present | int != counted[source_table].records %}
            {% do log(counts.identifier ~ ": " ~ source_table ~ " had " ~ counted[source_table].records
                ~ " records at the last count and has " ~ present ~ " of them now; counting from scratch.", info=true) %}
            {{ return(none) }}
        {% endif %}
    {% endfor %}
    {% set watermarks = {} %}
    {% for source_table, table_counts in counted.items() %}
        {% do watermarks.update({source_table: table_counts.watermark}) %}
    {% endfor %}
    {{ return(watermarks) }}
{% endmacro %}
