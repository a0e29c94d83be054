{#-
    Keep the latest version of each key: the first row by `order_by` (e.g. updated_at desc),
    ties broken by the bronze record id so that a full refresh and an incremental run pick
    the same row. Written as a filtered subquery rather than QUALIFY so it runs on Spark.
-#}
{% macro latest_version_per_key(relation, key, order_by) %}
    select {{ star_except(['_version_rank']) }}
    from (
        select
            *,
            row_number() over (
                partition by {{ key }}
                order by {{ order_by }}, _record_id
            ) as _version_rank
        from {{ relation }}
    ) as ranked
    where _version_rank = 1
{% endmacro %}
