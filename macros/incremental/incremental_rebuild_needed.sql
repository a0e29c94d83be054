{#-
    Whether an incremental run must build the model again from scratch rather than merge a
    batch: its table lacks `column` (the watermark: a table built without it), or a
    privacy operation changed rows after the watermark (macro privacy_changed_rows_since).
    The model then selects every row, and its pre-hook
    (macro incremental_rebuild_reset) empties the table first, so the run gives what a
    full refresh would. False on a first build, a full refresh, in a unit test and while
    parsing. `reason_logged`: log why (once per run: in the model, not in its hook).
-#}
{% macro incremental_rebuild_needed(column='_ingested_at', reason_logged=false) %}
    {% if not (execute and is_incremental()) or this is string %}
        {{ return(false) }}
    {% endif %}
    {% set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list %}
    {% if column not in columns %}
        {% if reason_logged %}
            {% do log(this.identifier ~ ": no " ~ column ~ " column yet; building every row again.", info=true) %}
        {% endif %}
        {{ return(true) }}
    {% endif %}
    {% if privacy_changed_rows_since(last_ingested_at(column)) %}
        {% if reason_logged %}
            {% do log(this.identifier ~ ": a privacy operation changed rows since the last run; building every row again.", info=true) %}
        {% endif %}
        {{ return(true) }}
    {% endif %}
    {{ return(false) }}
{% endmacro %}

{#-
    The pre-hook of a model that uses incremental_rebuild_needed: when the run builds again
    from scratch, empties the table (`delete from`), adding first the watermark `column` and
    the `new_columns` (other timestamp columns of the model) that the table lacks (a column
    added after rows were deleted in one transaction is a conflict on DuckDB). Renders
    nothing otherwise.
-#}
{% macro incremental_rebuild_reset(column='_ingested_at', new_columns=[]) %}
    {%- if incremental_rebuild_needed(column) %}
        {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list %}
        {%- set missing = [] %}
        {%- for name in [column] + new_columns if name not in columns %}
            {%- do missing.append(api.Column.create(name, dbt.type_timestamp())) %}
        {%- endfor %}
        {%- if missing %}
            {%- do alter_relation_add_remove_columns(load_cached_relation(this), missing, none) %}
        {%- endif %}
        delete from {{ this }}
    {%- endif %}
{% endmacro %}
