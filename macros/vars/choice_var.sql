{#-
    The dbt var `name`, checked to be one of `choices`: a var is outside input (`--vars`), so
    a model branches on a named choice only through this macro; anything else stops the build
    with a sentence naming the var, the choices and the value.
-#}
{% macro choice_var(name, choices) %}
    {%- set value = var(name) -%}
    {%- if value is not string or value not in choices -%}
        {%- set quoted = [] -%}
        {%- for choice in choices %}{% do quoted.append("'" ~ choice ~ "'") %}{% endfor -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be " ~ (quoted[:-1] | join(', ')) ~ " or " ~ quoted[-1]
            ~ ", not " ~ (value | tojson) ~ ".") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}
