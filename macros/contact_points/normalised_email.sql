{#-
    The email of `column` as identity resolution compares it: trimmed and lower-cased, null
    unless it then looks like an address (valid_email). No provider rewriting (gmail dots,
    `+tags`): two spellings a provider treats as one stay two.
-#}
{% macro normalised_email(column) -%}
    case
        when {{ valid_email('lower(trim(' ~ column ~ '))') }}
            then lower(trim({{ column }}))
    end
{%- endmacro %}
