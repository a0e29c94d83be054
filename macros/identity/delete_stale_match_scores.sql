{#-
    The post-hook of int_identity_match_scores: on an incremental run, after the run added the
    scores of the pairs whose score may have changed, deletes the stored scores that are no
    longer current, so that one current score per pair is left: a score of another fit date
    than the current one (int_identity_match_fit_date), and a score of a contact gone
    from int_identity_nodes or whose _ingested_at is not the one it was scored with (sighted
    since, or rebuilt by a privacy operation). A post-hook, not a pre-hook: dbt-duckdb 1.11
    rolls the run's transaction back while it stages a Python model's rows, which would undo
    a pre-hook's delete. A score is told apart from the one that replaces it by its pair, fit
    date and the two sightings it was scored with; one `in` subquery on those, which Delta's
    DELETE runs as well as DuckDB's.
-#}
{% macro delete_stale_match_scores() %}
    {%- if is_incremental() %}
        {%- set version = "concat(node_key_l, '|', node_key_r, '|', cast(fit_date as "
            ~ dbt.type_string() ~ "), '|', cast(node_l_ingested_at as " ~ dbt.type_string()
            ~ "), '|', cast(node_r_ingested_at as " ~ dbt.type_string() ~ "))" %}
        delete from {{ this }}
        where {{ version }} in (
            -- the columns of the version are the scores' only (the nodes have other names)
            select {{ version }}
            from {{ this }} as scores
            left join {{ ref('int_identity_nodes') }} as node_l
                on scores.node_key_l = node_l.node_key
            left join {{ ref('int_identity_nodes') }} as node_r
                on scores.node_key_r = node_r.node_key
            where
                scores.fit_date is null
                or scores.fit_date not in (
                    select current_fit_date.fit_date
                    from {{ ref('int_identity_match_fit_date') }} as current_fit_date
                )
                or node_l.node_key is null
                or node_r.node_key is null
                or node_l._ingested_at <> scores.node_l_ingested_at
                or node_r._ingested_at <> scores.node_r_ingested_at
        )
    {%- endif %}
{% endmacro %}
