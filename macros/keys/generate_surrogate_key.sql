{#-
    generate_surrogate_key(field_list): dbt_utils' surrogate key, without dbt_utils.

    Each field is cast to the engine's string type, a null becomes the literal
    '_dbt_utils_surrogate_key_null_' (or '' when the var
    surrogate_key_treat_nulls_as_empty_strings is true, as in dbt_utils), the parts are
    joined with '-' and the result is hashed with dbt.hash (md5, lower-case hex on DuckDB
    and Spark/Databricks). Keys are therefore equal to the ones dbt_utils would build.
-#}

{%- macro generate_surrogate_key(field_list) -%}
    {{ return(adapter.dispatch('generate_surrogate_key', 'customer360')(field_list)) }}
{%- endmacro -%}


{%- macro default__generate_surrogate_key(field_list) -%}

    {%- if field_list is string or field_list is mapping or field_list is not iterable -%}
        {{ exceptions.raise_compiler_error(
            "generate_surrogate_key expects a list of column names or expressions, got: "
            ~ field_list
        ) }}
    {%- endif -%}
    {%- if field_list | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "generate_surrogate_key needs at least one field."
        ) }}
    {%- endif -%}

    {%- if var('surrogate_key_treat_nulls_as_empty_strings', false) -%}
        {%- set default_null_value = '' -%}
    {%- else -%}
        {%- set default_null_value = '_dbt_utils_surrogate_key_null_' -%}
    {%- endif -%}

    {%- set fields = [] -%}
    {%- for field in field_list -%}
        {%- do fields.append(
            "coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '"
            ~ default_null_value ~ "')"
        ) -%}
        {%- if not loop.last -%}
            {%- do fields.append("'-'") -%}
        {%- endif -%}
    {%- endfor -%}

    {{- dbt.hash(dbt.concat(fields)) -}}

{%- endmacro -%}
