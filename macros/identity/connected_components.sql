{#-
    Connected components of an undirected graph, by label propagation in plain SQL (the same
    on DuckDB and Spark: equi-joins, union all, group by, min). Every node starts with its own
    key as label; each round gives a node the smallest label among itself and its neighbours.
    After as many rounds as the longest shortest path of a component, every node of it holds
    the component's smallest node key. The rounds are unrolled as subqueries (`rounds`, the
    var identity_label_rounds), each reading the previous one once; the singular test
    assert_identity_components_converged fails, naming the var, when an edge still joins two
    labels.

    `nodes`: a relation with `node_key`; `edges`: a relation with `node_key_a`, `node_key_b`.
    Returns a select of `node_key`, `component_key`.
-#}
{% macro connected_components(nodes, edges, rounds) %}
    {%- set ns = namespace(labels='(select node_key, node_key as label from ' ~ nodes ~ ')') %}
    {%- for round in range(rounds) %}
        {%- set ns.labels -%}
        (
            select links.node_key, min(previous.label) as label
            from (
                select node_key_a as node_key, node_key_b as neighbour_key from {{ edges }}
                union all
                select node_key_b as node_key, node_key_a as neighbour_key from {{ edges }}
                union all
                select node_key, node_key as neighbour_key from {{ nodes }}
            ) as links
            inner join {{ ns.labels }} as previous
                on links.neighbour_key = previous.node_key
            group by links.node_key
        )
        {%- endset %}
    {%- endfor %}
    select
        labels.node_key,
        labels.label as component_key
    from {{ ns.labels }} as labels
{% endmacro %}
