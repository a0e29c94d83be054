{#-
    Connected components of an undirected graph, by label propagation in plain SQL (the same
    on DuckDB and Spark: equi-joins, union all, group by, min). Every node starts with its own
    key as label; each round gives a node the smallest label among itself and its neighbours.
    After as many rounds as the longest shortest path of a component, every node of it holds
    the component's smallest node key. The rounds are unrolled as CTEs (`rounds`, the var
    identity_label_rounds), each reading the previous one once; the singular test
    assert_identity_components_converged fails, naming the var, when an edge still joins two
    labels.

    `nodes`: a relation with `node_key`; `edges`: a relation with `node_key_a`, `node_key_b`;
    `only` (optional): a relation of the `node_key`s to label, closed under the edges (an
    incremental run's batch, macro components_to_relabel): the other nodes and their edges are
    left out. Returns a select of `node_key`, `component_key`.
-#}
{% macro connected_components(nodes, edges, rounds, only=none) %}
    {%- if only %}
        {%- set nodes -%}
            (select node_key from {{ nodes }} where node_key in (select node_key from {{ only }}))
        {%- endset %}
        {%- set edges -%}
            (select node_key_a, node_key_b from {{ edges }}
            where node_key_a in (select node_key from {{ only }}))
        {%- endset %}
    {%- endif %}
    with links as (
        select node_key_a as node_key, node_key_b as neighbour_key from {{ edges }} as edges
        union all
        select node_key_b as node_key, node_key_a as neighbour_key from {{ edges }} as edges
        union all
        select node_key, node_key as neighbour_key from {{ nodes }} as nodes
    ),

    labels_0 as (
        select node_key, node_key as label from {{ nodes }} as nodes
    ),
    {%- for round in range(1, rounds + 1) %}

    labels_{{ round }} as (
        select
            links.node_key,
            min(previous.label) as label
        from links
        inner join labels_{{ round - 1 }} as previous
            on links.neighbour_key = previous.node_key
        group by links.node_key
    ),
    {%- endfor %}

    final as (
        select
            node_key,
            label as component_key
        from labels_{{ rounds }}
    )

    select * from final
{% endmacro %}
