-- The customers the deterministic links alone find: connected components of
-- int_identity_edges over int_identity_nodes (macro connected_components). A component is
-- named by its smallest node key. The probabilistic links (int_identity_match_pairs) score
-- only pairs of records in different components; int_customer_identities joins both.

with nodes as (
    select node_key from {{ ref('int_identity_nodes') }}
),

edges as (
    select * from {{ ref('int_identity_edges') }}
),

components as (
    {{ connected_components('nodes', 'edges', var('identity_label_rounds')) }}
),

final as (
    select
        node_key,
        component_key as rule_component_key
    from components
)

select * from final
