{#-
    Connected components of an undirected graph, by label propagation in plain SQL (the same
    on DuckDB and Spark: equi-joins, union all, group by, min). Every node starts with its own
    key as label; each round gives a node the smallest label among itself and its neighbours.
    After as many rounds as the longest shortest path of a component, every node of it holds
    the component's smallest node key. The rounds are unrolled as CTEs (`rounds`, the var
    identity_label_rounds; macro label_rounds); the singular test
    assert_identity_components_converged fails, naming the var, when an edge still joins two
    labels.

    `nodes`: a relation with `node_key`; `edges`: a relation with `node_key_a`, `node_key_b`;
    `only` (optional): a relation of the `node_key`s to label, closed under the edges (an
    incremental run's batch, macro components_to_relabel): the other nodes and their edges are
    left out. An edge counts only between two of the nodes. Returns a select of `node_key`,
    `component_key`.
-#}
{% macro connected_components(nodes, edges, rounds, only=none) %}
    {%- if only %}
        {%- set nodes -%}
            (select node_key from {{ nodes }} where node_key in (select node_key from {{ only }}))
        {%- endset %}
    {%- endif %}
    -- every node numbered in key order: the rounds join and compare numbers, not keys (at
    -- scale 1 the rounds take a third of the time), and the smallest number is the smallest key
    with numbered_nodes as (
        select
            node_key,
            row_number() over (order by node_key) as node_number
        from {{ nodes }} as nodes
    ),

    numbered_edges as (
        select
            nodes_a.node_number as node_number_a,
            nodes_b.node_number as node_number_b
        from {{ edges }} as edges
        inner join numbered_nodes as nodes_a
            on edges.node_key_a = nodes_a.node_key
        inner join numbered_nodes as nodes_b
            on edges.node_key_b = nodes_b.node_key
    ),

    links as (
        select node_number_a as node_number, node_number_b as neighbour_number
        from numbered_edges
        union all
        select node_number_b as node_number, node_number_a as neighbour_number
        from numbered_edges
        union all
        select node_number, node_number as neighbour_number from numbered_nodes
    ),

    {{ label_rounds(rounds) }}

    final as (
        select
            numbered_nodes.node_key,
            components.node_key as component_key
        from labels_{{ rounds }} as labels
        inner join numbered_nodes
            on labels.node_number = numbered_nodes.node_number
        inner join numbered_nodes as components
            on labels.label = components.node_number
    )

    select * from final
{% endmacro %}
