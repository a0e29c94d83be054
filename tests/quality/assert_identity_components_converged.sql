{{ config(error_if='>0', fail_calc='count(*)') }}
-- Label propagation found every component: no link joins two nodes of different customers.
-- A failure means a component needs more rounds than var('identity_label_rounds'): raise it.
with identities as (
    select * from {{ ref('int_customer_identities') }}
),

rule_components as (
    select * from {{ ref('int_identity_rule_components') }}
),

edges as (
    select * from {{ ref('int_identity_edges') }}
    where _unlinked_at is null
),

accepted_pairs as (
    select * from {{ ref('int_identity_match_pairs') }}
    where is_accepted
),

unconverged as (
    select
        'int_identity_rule_components' as model_name,
        edges.node_key_a,
        edges.node_key_b
    from edges
    inner join rule_components as a on edges.node_key_a = a.node_key
    inner join rule_components as b on edges.node_key_b = b.node_key
    where a.rule_component_key != b.rule_component_key
    union all
    select
        'int_customer_identities' as model_name,
        links.node_key_a,
        links.node_key_b
    from (
        select
            node_key_a,
            node_key_b
        from edges
        union all
        select
            node_key_l,
            node_key_r
        from accepted_pairs
    ) as links
    inner join identities as a on links.node_key_a = a.node_key
    inner join identities as b on links.node_key_b = b.node_key
    where a.customer_id != b.customer_id
)

select
    model_name,
    node_key_a,
    node_key_b,
    'the link joins two components: raise the var identity_label_rounds' as reason
from unconverged
