{#-
    between_expression(expression, min_value, max_value, strictly): the boolean SQL that
    says expression lies within [min_value, max_value] (or the open interval when strictly).
    Either bound may be none, not both.
-#}

{%- macro between_expression(expression, min_value=none, max_value=none, strictly=false) -%}
    {{ return(adapter.dispatch('between_expression', 'customer360')(
        expression, min_value, max_value, strictly
    )) }}
{%- endmacro -%}


{%- macro default__between_expression(expression, min_value, max_value, strictly) -%}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error(
            "between: give min_value, max_value or both."
        ) }}
    {%- endif -%}
    {%- set lower_operator = '>' if strictly else '>=' -%}
    {%- set upper_operator = '<' if strictly else '<=' -%}
    {%- set conditions = [] -%}
    {%- if min_value is not none -%}
        {%- do conditions.append(expression ~ ' ' ~ lower_operator ~ ' ' ~ min_value) -%}
    {%- endif -%}
    {%- if max_value is not none -%}
        {%- do conditions.append(expression ~ ' ' ~ upper_operator ~ ' ' ~ max_value) -%}
    {%- endif -%}
    {{- conditions | join(' and ') -}}
{%- endmacro -%}
