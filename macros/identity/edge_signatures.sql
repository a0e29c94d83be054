{#-
    Every node with a signature of its links: how many (`edge_count`) and an order-independent
    64-bit hash of them (`edge_signature`: the XOR of a hash of each neighbour and kind of
    link; 0 for a node without links). The hash is the first 60 bits of the md5 of
    `<neighbour>|<kind>` (macro md5_bigint), the same number on every engine; the string is
    built with `||`, which is null for a node without links on every engine (DuckDB's
    `concat` skips nulls: it would hash '|'). int_identity_rule_components stores it for its
    nodes' rule links; int_customer_identities adds the accepted pairs' to it, and a node of
    a pair whose signature differs from the stored one gained or lost a pair, so its customer
    must be found again (macro components_to_relabel).

    `nodes`: a relation with `node_key`; `edges`: a relation with `node_key_a`, `node_key_b`,
    `edge_type`. Returns a select of `node_key`, `edge_count`, `edge_signature`.
-#}
{% macro edge_signatures(nodes, edges) %}
    select
        nodes.node_key,
        count(links.neighbour_key) as edge_count,
        {{ set_signature("links.neighbour_key || '|' || links.edge_type") }} as edge_signature
    from {{ nodes }} as nodes
    left join (
        select node_key_a as node_key, node_key_b as neighbour_key, edge_type from {{ edges }}
        union all
        select node_key_b as node_key, node_key_a as neighbour_key, edge_type from {{ edges }}
    ) as links
        on nodes.node_key = links.node_key
    group by nodes.node_key
{% endmacro %}

{#-
    The edge signature of each of `nodes` from `parts`, several signature rows per node (the
    signatures of disjoint sets of its links, each as edge_signatures gives it): the counts
    add up and the hashes XOR on, so the result is what edge_signatures gives over all those
    links. `parts`: a relation with `node_key`, `edge_count`, `edge_signature`; `nodes`: a
    relation with `node_key` (the nodes wanted). Returns a select of `node_key`,
    `edge_count`, `edge_signature`.
-#}
{% macro combined_edge_signatures(parts, nodes) %}
    select
        parts.node_key,
        cast(sum(parts.edge_count) as {{ dbt.type_bigint() }}) as edge_count,
        bit_xor(parts.edge_signature) as edge_signature
    from {{ parts }} as parts
    inner join {{ nodes }} as nodes
        on parts.node_key = nodes.node_key
    group by parts.node_key
{% endmacro %}
