{#-
    Whether dq_record_accounting (`accounting`, its existing table) must be counted again from
    scratch instead of adding the new records to its counts: when it lacks a column or a
    landing table, when a privacy operation changed rows after the records it counted were
    ingested (the privacy audit table), or when the records it counted are no longer all in
    bronze (a bronze table was rebuilt or purged). Logs the reason.
-#}
{% macro recount_record_accounting(accounting) %}
    {% if not execute %}
        {{ return(false) }}
    {% endif %}
    {% set tables = checked_landing_tables() %}
    {% set columns = adapter.get_columns_in_relation(accounting) | map(attribute='name') | list %}
    {% for needed in ['accepted_records', 'distinct_versions', 'distinct_keys', '_max_ingested_at'] %}
        {% if needed not in columns %}
            {% do log("dq_record_accounting: no " ~ needed ~ " column yet; counting from scratch.", info=true) %}
            {{ return(true) }}
        {% endif %}
    {% endfor %}

    {% set audit = privacy_audit_relation() %}
    {% set audit_exists = adapter.get_relation(audit.database, audit.schema, audit.identifier) is not none %}
    {% set check %}
        {%- for table in tables %}
        select
            '{{ table.source_table }}' as source_table,
            counted.bronze_records as counted_records,
            (
                select count(*) as n from {{ ref(table.base_model) }} as base
                where base._ingested_at <= counted._max_ingested_at
            ) as present_records,
            {%- if audit_exists %}
            (
                select count(*) as n from {{ audit }} as audit
                where audit.action <> 'none' and audit.requested_at > counted._max_ingested_at
            ) as privacy_changes
            {%- else %}
            0 as privacy_changes
            {%- endif %}
        from (select '{{ table.source_table }}' as source_table) as expected
        left join {{ accounting }} as counted
            on expected.source_table = counted.source_table
        {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    {% endset %}
    {% for row in run_query(check).rows %}
        {% if row[1] is none %}
            {% do log("dq_record_accounting: " ~ row[0] ~ " not counted yet; counting from scratch.", info=true) %}
            {{ return(true) }}
        {% elif row[3] > 0 %}
            {% do log("dq_record_accounting: a privacy operation changed rows since the last count; counting from scratch.", info=true) %}
            {{ return(true) }}
        {% elif row[1] != row[2] %}
            {% do log("dq_record_accounting: " ~ row[0] ~ " had " ~ row[1] ~ " records at the last count and has " ~ row[2] ~ " of them now; counting from scratch.", info=true) %}
            {{ return(true) }}
        {% endif %}
    {% endfor %}
    {{ return(false) }}
{% endmacro %}
