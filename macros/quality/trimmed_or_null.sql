{#-
    An outside text value trimmed, as a SQL expression; null when it is empty or a spelling of
    "none" that exports write (NULL, None, nil, N/A, NaN, `-`, in any case). For ids and
    contact points: a placeholder read as a value would make one id of every record that
    lacks one (every guest order one shop account, so one customer).
-#}
{% macro trimmed_or_null(value) -%}
    case
        when lower(trim({{ value }})) in ('', 'null', 'none', 'nil', 'n/a', 'nan', '-') then null
        else trim({{ value }})
    end
{%- endmacro %}
