-- The customers the deterministic links alone find: connected components of
-- int_identity_edges over int_identity_nodes (macro connected_components), each named by its
-- smallest node key. The probabilistic links (int_identity_match_pairs) score only pairs of
-- records in different components; int_customer_identities joins both.
-- Incremental: a run finds again only the components that hold a node whose links changed
-- (macro components_to_relabel); the others keep their stored rows. The component of a node
-- is the same as a full refresh's.
{{ config(materialized='incremental', unique_key='node_key') }}

with nodes as (
    select node_key from {{ ref('int_identity_nodes') }}
),

edges as (
    select * from {{ ref('int_identity_edges') }}
),

signatures as (
    {{ edge_signatures('nodes', 'edges') }}
),

relabelled_nodes as (
    {{ components_to_relabel('signatures', this, 'rule_component_key',
        ['edge_count', 'edge_signature']) }}
),

components as (
    {{ connected_components('nodes', 'edges', var('identity_label_rounds'),
        only='relabelled_nodes') }}
),

final as (
    select
        components.node_key,
        components.component_key as rule_component_key,
        signatures.edge_count,
        signatures.edge_signature
    from components
    inner join signatures
        on components.node_key = signatures.node_key
)

select * from final
