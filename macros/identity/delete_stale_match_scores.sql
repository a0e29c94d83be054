{#-
    The pre-hook of int_identity_match_scores: on an incremental run, deletes the stored scores
    that are no longer current, so that the run scores exactly the pairs whose score may have
    changed (python_jobs.identity.match_pairs.score_changed_pairs): a score of another fit
    date than the current one (int_identity_match_training_records), and a score of a contact
    gone from int_identity_nodes or sighted since the pair was scored (the node's _ingested_at
    is later than the score's, which is the later of its two contacts' when scored). One
    `in` subquery on the pair's key, which Delta's DELETE runs as well as DuckDB's.
-#}
{% macro delete_stale_match_scores() %}
    {%- if is_incremental() %}
        delete from {{ this }}
        where concat(node_key_l, '|', node_key_r) in (
            select concat(scores.node_key_l, '|', scores.node_key_r)
            from {{ this }} as scores
            left join {{ ref('int_identity_nodes') }} as node_l
                on scores.node_key_l = node_l.node_key
            left join {{ ref('int_identity_nodes') }} as node_r
                on scores.node_key_r = node_r.node_key
            where
                scores.fit_date is null
                or scores.fit_date not in (
                    select training.fit_date
                    from {{ ref('int_identity_match_training_records') }} as training
                )
                or node_l.node_key is null
                or node_r.node_key is null
                or node_l._ingested_at > scores._ingested_at
                or node_r._ingested_at > scores._ingested_at
        )
    {%- endif %}
{% endmacro %}
