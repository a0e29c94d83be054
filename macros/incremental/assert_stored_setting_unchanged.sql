{#-
    On an incremental run, stops the model when its table holds rows computed under another
    value of a var than this run's: the table's `column` (the var's value, written on every
    row; the var has the same name) holds a value other than `wanted`. Merging the batch
    would mix the two. The sentence names both values and the command that builds silver and
    gold again with this run's vars (bronze keeps landing records that a full refresh may not
    find again). A table without the column (built by an earlier version of the project)
    stops with `missing_column_message`. Does nothing on a full build or in a unit test.
-#}
{% macro assert_stored_setting_unchanged(column, wanted, held, missing_column_message) %}
    {#- in a dbt unit test `this` is the mocked input (a string), not a table: nothing to check -#}
    {%- if execute and is_incremental() and this is not string -%}
        {#- the run's --vars, dates (as_of_date) written as text so that they print as JSON -#}
        {%- set run_vars = {} -%}
        {%- for name, value in (invocation_args_dict.get('vars') or {}).items() -%}
            {%- do run_vars.update({name: value if value is string or value is number
                or value is boolean or value is none or value is mapping or value is sequence
                else value | string}) -%}
        {%- endfor -%}
        {%- do run_vars.update({column: wanted}) -%}
        {%- set rebuild = "dbt build --full-refresh --select tag:silver tag:gold --vars '"
            ~ tojson(run_vars) ~ "'" -%}
        {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name')
            | map('lower') | list -%}
        {%- if column not in columns -%}
            {{ exceptions.raise_compiler_error(
                this ~ " " ~ missing_column_message ~ "; rebuild silver and gold: " ~ rebuild) }}
        {%- else -%}
            {%- set stored = run_query(
                "select distinct " ~ column ~ " from " ~ this
                ~ " where " ~ column ~ " is not null").columns[0].values() | list -%}
            {%- set others = stored | reject('equalto', wanted) | list -%}
            {%- if others -%}
                {{ exceptions.raise_compiler_error(
                    this ~ " holds " ~ held ~ " in " ~ (others | join(', ')) ~ " but " ~ column
                    ~ " is " ~ wanted ~ "; rebuild silver and gold in " ~ wanted ~ ": "
                    ~ rebuild) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
