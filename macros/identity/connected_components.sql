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

{#-
    The CTEs labels_0 to labels_<rounds> of connected_components, over its `links` (each node's
    neighbours and itself) and `numbered_nodes`: `node_number`, `label`. Every round reads the
    previous one once and every link: Spark and Databricks inline a CTE at each reference, so
    a round that read the previous one twice would compute it twice, that one's previous one
    four times, and so on (with 12 rounds, the first one 2,048 times).
-#}
{% macro label_rounds(rounds) %}
    {{ return(adapter.dispatch('label_rounds', 'customer360')(rounds)) }}
{% endmacro %}

{% macro default__label_rounds(rounds) %}
    labels_0 as (
        select node_number, node_number as label from numbered_nodes
    ),
    {%- for round in range(1, rounds + 1) %}

    labels_{{ round }} as (
        select
            links.node_number,
            min(previous.label) as label
        from links
        inner join labels_{{ round - 1 }} as previous
            on links.neighbour_number = previous.node_number
        group by links.node_number
    ),
    {%- endfor %}
{% endmacro %}

{#-
    DuckDB stores a CTE read twice once, so a round can read the previous one twice: only the
    nodes whose label fell in the previous round pass it on to their neighbours (no other
    node can give a neighbour a smaller label than it gave already), and every other node
    keeps its label (least() skips a null). The same labels, round by round; after the first
    rounds few nodes pass anything on. At scale 1 (1M nodes, 1.3M links, 5 of the 12 rounds
    changing a label), a full refresh of int_identity_rule_components takes 2.9-3.1 s against
    5.0-5.4 s with every link read in every round.
-#}
{% macro duckdb__label_rounds(rounds) %}
    labels_0 as (
        select
            node_number,
            node_number as label,
            true as has_fallen
        from numbered_nodes
    ),
    {%- for round in range(1, rounds + 1) %}

    passed_{{ round }} as (
        select
            links.node_number,
            min(previous.label) as label
        from labels_{{ round - 1 }} as previous
        inner join links
            on previous.node_number = links.neighbour_number
        where previous.has_fallen
        group by links.node_number
    ),

    labels_{{ round }} as (
        select
            previous.node_number,
            least(previous.label, passed.label) as label,
            coalesce(passed.label < previous.label, false) as has_fallen
        from labels_{{ round - 1 }} as previous
        left join passed_{{ round }} as passed
            on previous.node_number = passed.node_number
    ),
    {%- endfor %}
{% endmacro %}
