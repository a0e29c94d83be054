-- The customers the deterministic links alone find: connected components of
-- int_identity_edges over int_identity_nodes (macro connected_components), each named by its
-- smallest node key. The probabilistic links (int_identity_match_pairs) score only pairs of
-- records in different components; int_customer_identities joins both.
-- Incremental: a run finds again only the components that hold a changed node (macro
-- components_to_relabel): a new node, or an end of a link added or removed since the last
-- run (int_identity_edges' _linked_at and _unlinked_at after this model's _relabelled_at);
-- the others keep their stored rows. The component of a node is the same as a full
-- refresh's. Each row keeps the count and a signature of the node's links (macro
-- edge_signatures), which int_customer_identities compares. Every node is labelled again
-- when the edges were built again (each link new since the last run), after a privacy
-- operation, and on a table without _relabelled_at (macro incremental_rebuild_needed).
{{ config(
    materialized='incremental',
    unique_key='node_key',
    pre_hook="{{ incremental_rebuild_reset('_relabelled_at') }}",
) }}

{%- set is_batch = is_incremental() and not incremental_rebuild_needed(
    '_relabelled_at', reason_logged=true) %}

with nodes as (
    select node_key from {{ ref('int_identity_nodes') }}
),

all_edges as (
    select * from {{ ref('int_identity_edges') }}
),

edges as (
    select * from all_edges
    where _unlinked_at is null
),

{%- if is_batch %}
    {#- the watermark as a literal: a filter on a literal is applied at the scan, before the
        joins (from a one-row CTE cross joined, DuckDB joins every row first) #}
    {%- set watermark = last_ingested_at('_relabelled_at') %}

    -- the links added or removed since the last run
    changed_edges as (
        select all_edges.*
        from all_edges
        where
            all_edges._linked_at > {{ watermark }}
            or all_edges._unlinked_at > {{ watermark }}
    ),

    -- the new nodes and the ends of those links; every node when the edges were built again
    -- (no link older than the last run: the links removed before then are not known)
    changed_nodes as (
        select nodes.node_key
        from nodes
        left join {{ this }} as stored_nodes
            on nodes.node_key = stored_nodes.node_key
        where
            stored_nodes.node_key is null
            or (
                select min(edges._linked_at) as first_linked_at from edges
            ) > {{ watermark }}
        union distinct
        select node_key_a as node_key from changed_edges
        union distinct
        select node_key_b as node_key from changed_edges
    ),
{%- else %}

    changed_nodes as (
        select node_key from nodes
    ),
{%- endif %}

relabelled_nodes as (
    {{ components_to_relabel('changed_nodes', this, 'rule_component_key') }}
),

components as (
    {{ connected_components('nodes', 'edges', number_var('identity_label_rounds', 1, integer=true),
        only='relabelled_nodes') }}
),

-- the links of the relabelled nodes only: every other node keeps its stored signature
signatures as (
    {{ edge_signatures('relabelled_nodes', 'edges') }}
),

final as (
    select
        components.node_key,
        components.component_key as rule_component_key,
        signatures.edge_count,
        signatures.edge_signature,
        {{ run_started_at_timestamp() }} as _relabelled_at
    from components
    inner join signatures
        on components.node_key = signatures.node_key
)

select * from final
