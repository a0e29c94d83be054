{#-
    The nodes whose component an incremental run must find again: the nodes of every stored
    component that holds a changed node, and the changed nodes themselves. A node is changed
    when it is new, or its `compare_columns` (its edge signature, and what else decides its
    row) differ from the stored row. The set is closed under the current links: a link that
    was there at the last run joins two nodes of one stored component, and a new or lost link
    changes the signature of both its ends. So relabelling these nodes over their links gives
    each of them the component a full refresh would, and every other node keeps its stored
    row: a day-2 batch touches only the components its records join.

    `current`: a relation with `node_key` and the `compare_columns`; `stored`: the model's
    table (`this`), with `node_key`, `component_column` and the `compare_columns`.
    Returns a select of `node_key`: every current node on a first build or a full refresh.
-#}
{% macro components_to_relabel(current, stored, component_column, compare_columns) %}
    {%- if not is_incremental() %}
    select node_key from {{ current }}
    {%- else %}
    {%- set differs -%}
        {%- for column in compare_columns -%}
            stored_nodes.{{ column }} != current_nodes.{{ column }}
            {%- if not loop.last %} or {% endif %}
        {%- endfor -%}
    {%- endset %}
    select changed.node_key
    from (
        select
            current_nodes.node_key,
            stored_nodes.{{ component_column }} as stored_component
        from {{ current }} as current_nodes
        left join {{ stored }} as stored_nodes
            on current_nodes.node_key = stored_nodes.node_key
        where stored_nodes.node_key is null or {{ differs }}
    ) as changed
    union
    select stored_members.node_key
    from {{ stored }} as stored_members
    inner join (
        select stored_nodes.{{ component_column }} as stored_component
        from {{ current }} as current_nodes
        inner join {{ stored }} as stored_nodes
            on current_nodes.node_key = stored_nodes.node_key
        where {{ differs }}
    ) as changed_components
        on stored_members.{{ component_column }} = changed_components.stored_component
    {%- endif %}
{% endmacro %}
