{#-
    The watermarks dq_delivery_counts (`counts`, its existing table) adds the new bronze
    records from: {landing table: latest ingestion time counted, as text}; a landing table
    with no count yet is absent (counted from its first record). None when it must count
    everything again from scratch instead: when it lacks a column, or when the records it
    counted are no longer all in bronze (a bronze table rebuilt, purged or a customer's
    records deleted); the reason is logged. The check counts, per landing table, the bronze
    records ingested up to the watermark (a literal: no correlated subquery) and compares
    them with the records counted.
-#}
{% macro delivery_count_watermarks(counts) %}
    {% if not execute %}
        {{ return(none) }}
    {% endif %}
    {% set columns = adapter.get_columns_in_relation(counts) | map(attribute='name') | list %}
    {% for needed in ['records', '_max_ingested_at'] %}
        {% if needed not in columns %}
            {% do log("dq_delivery_counts: no " ~ needed ~ " column yet; counting from scratch.", info=true) %}
            {{ return(none) }}
        {% endif %}
    {% endfor %}

    {% set counted = {} %}
    {% for source_table, records, watermark in run_query(
        "select source_table, sum(records), cast(max(_max_ingested_at) as " ~ dbt.type_string()
        ~ ") from " ~ counts ~ " group by source_table").rows %}
        {% do counted.update({source_table: {'records': records | int, 'watermark': watermark}}) %}
    {% endfor %}
    {% set tables = checked_landing_tables() | selectattr('source_table', 'in', counted) | list %}
    {% if tables | length == 0 %}
        {{ return({}) }}
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
            {% do log("dq_delivery_counts: " ~ source_table ~ " had " ~ counted[source_table].records
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
