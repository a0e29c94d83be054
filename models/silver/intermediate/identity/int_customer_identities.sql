-- Every source id with the customer it belongs to: one row per node of the identity graph.
-- A customer is a connected component of the deterministic links (int_identity_edges) and the
-- accepted probabilistic ones (int_identity_match_pairs).
--
-- The customer id is stable. A component's anchor is its node delivered first (ties: the
-- smallest node key), and customer_id is a hash of the anchor's key. A record that joins a
-- customer is delivered later, so it does not change the anchor or the id. A browser anchors
-- only a visitor who is nothing but browsers: when it logs in, it joins the customer of the
-- account, whose id stays. When components merge, the merged customer keeps the id of the
-- earliest anchor; when one splits (a record forgotten or corrected), the part holding the
-- anchor keeps the id and each other part takes its own anchor's. The id is a function of the
-- data alone: an incremental run and a full refresh give every node the same customer_id.
-- Incremental: a run finds again only the customers that hold a changed node (macro
-- components_to_relabel): one whose rule component was found again since the last run
-- (int_identity_rule_components' _relabelled_at), one sighted since with another first
-- delivery (int_identity_nodes' _ingested_at), and one whose accepted pairs are not those
-- stored (a node of an accepted pair now or at the last run, whose signature changed). The
-- others keep their stored rows. Every node is found again after a privacy operation and on
-- a table without _relabelled_at (macro incremental_rebuild_needed).
{{ config(
    materialized='incremental',
    unique_key='node_key',
    pre_hook="{{ incremental_rebuild_reset('_relabelled_at', ['_ingested_at']) }}",
) }}

{%- set is_batch = is_incremental() and not incremental_rebuild_needed(
    '_relabelled_at', reason_logged=true) %}

with nodes as (
    select * from {{ ref('int_identity_nodes') }}
),

rule_components as (
    select * from {{ ref('int_identity_rule_components') }}
),

accepted_pairs as (
    select
        node_key_l as node_key_a,
        node_key_r as node_key_b,
        'probabilistic' as edge_type
    from {{ ref('int_identity_match_pairs') }}
    where is_accepted
),

pair_nodes as (
    select node_key_a as node_key from accepted_pairs
    union distinct
    select node_key_b as node_key from accepted_pairs
),

pair_signatures as (
    {{ edge_signatures('pair_nodes', 'accepted_pairs') }}
),

-- the signature of a node's links (macro edge_signatures) without hashing every rule link
-- again: int_identity_rule_components stores the signature of the node's rule links, and the
-- accepted pairs add theirs; combined per node below (macro combined_edge_signatures), for
-- the nodes a run needs
signature_parts as (
    select
        node_key,
        edge_count,
        edge_signature
    from rule_components
    union all
    select
        node_key,
        edge_count,
        edge_signature
    from pair_signatures
),

{%- if is_batch %}
    {#- the watermarks as literals: a filter on a literal is applied at the scan, before the
        joins (from a one-row CTE cross joined, DuckDB joins every node first) #}
    {%- set relabelled_watermark = last_ingested_at('_relabelled_at') %}
    {%- set ingested_watermark = last_ingested_at('_ingested_at') %}

    -- the nodes of an accepted pair, now or at the last run (then the node's customer joined
    -- several rule components, or its partner's did)
    pair_candidates as (
        select node_key from pair_nodes
        union distinct
        select node_key from {{ this }}
        where component_key != rule_component_key
    ),

    -- those whose links are not the stored ones: a pair accepted or no longer accepted
    changed_pair_links as (
        select candidate_signatures.node_key
        from (
            {{ combined_edge_signatures('signature_parts', 'pair_candidates') | indent(8) }}
        ) as candidate_signatures
        left join {{ this }} as stored_nodes
            on candidate_signatures.node_key = stored_nodes.node_key
        where
            stored_nodes.node_key is null
            or stored_nodes.edge_count != candidate_signatures.edge_count
            or stored_nodes.edge_signature != candidate_signatures.edge_signature
    ),

    changed_nodes as (
        select rule_components.node_key
        from rule_components
        where rule_components._relabelled_at > {{ relabelled_watermark }}
        union distinct
        select nodes.node_key
        from nodes
        left join {{ this }} as stored_nodes
            on nodes.node_key = stored_nodes.node_key
        where
            nodes._ingested_at > {{ ingested_watermark }}
            and (
                stored_nodes.node_key is null
                or stored_nodes.first_delivered_date != nodes.first_delivered_date
            )
        union distinct
        select node_key from changed_pair_links
    ),
{%- else %}

    changed_nodes as (
        select node_key from nodes
    ),
{%- endif %}

relabelled_nodes as (
    {{ components_to_relabel('changed_nodes', this, 'component_key') }}
),

signatures as (
    {{ combined_edge_signatures('signature_parts', 'relabelled_nodes') }}
),

-- The customers are the rule components joined by the accepted pairs, so the labels
-- propagate over the few rule components a pair touches, not over every node (a pair's link
-- between two components is a link between their keys, each the smallest node of its
-- component); every other node's customer is its rule component
component_links as (
    select
        components_a.rule_component_key as node_key_a,
        components_b.rule_component_key as node_key_b
    from accepted_pairs
    inner join rule_components as components_a
        on accepted_pairs.node_key_a = components_a.node_key
    inner join rule_components as components_b
        on accepted_pairs.node_key_b = components_b.node_key
),

linked_rule_components as (
    select node_key_a as node_key from component_links
    union distinct
    select node_key_b as node_key from component_links
),

merged_rule_components as (
    {{ connected_components('linked_rule_components', 'component_links',
        number_var('identity_label_rounds', 1, integer=true)) }}
),

components as (
    select
        relabelled_nodes.node_key,
        coalesce(
            merged_rule_components.component_key, rule_components.rule_component_key
        ) as component_key
    from relabelled_nodes
    inner join rule_components
        on relabelled_nodes.node_key = rule_components.node_key
    left join merged_rule_components
        on rule_components.rule_component_key = merged_rule_components.node_key
),

anchored as (
    select
        nodes.node_key,
        nodes.node_type,
        nodes.source_id,
        nodes.first_delivered_date,
        nodes._ingested_at,
        signatures.edge_count,
        signatures.edge_signature,
        components.component_key,
        rule_components.rule_component_key,
        first_value(nodes.node_key) over (
            partition by components.component_key
            order by
                case when nodes.node_type = 'browser' then 1 else 0 end,
                nodes.first_delivered_date,
                nodes.node_key
        ) as anchor_node_key,
        max(case when nodes.node_type != 'browser' then 1 else 0 end) over (
            partition by components.component_key
        ) = 1 as is_identified
    from nodes
    inner join components
        on nodes.node_key = components.node_key
    inner join rule_components
        on nodes.node_key = rule_components.node_key
    inner join signatures
        on nodes.node_key = signatures.node_key
),

final as (
    select
        -- ids
        node_key,
        {{ generate_surrogate_key(['anchor_node_key']) }} as customer_id,
        node_type,
        source_id,
        anchor_node_key,
        component_key,
        rule_component_key,

        -- booleans
        is_identified,

        -- numerics
        edge_count,
        edge_signature,

        -- dates
        first_delivered_date,

        -- lineage
        _ingested_at,
        {{ run_started_at_timestamp() }} as _relabelled_at
    from anchored
)

select * from final
