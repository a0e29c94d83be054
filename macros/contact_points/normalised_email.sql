{#-
    The email of `column` as identity resolution compares it, null unless it then looks like
    an address (valid_email): lower-cased and trimmed, after tabs, line breaks and no-break
    spaces became spaces and zero-width characters (a copy from a web page or a spreadsheet)
    were dropped; the address alone of a display form (`Jakub Nowak <jakub@x.com>`). No
    provider rewriting (gmail dots, `+tags`): two spellings a provider treats as one stay two.
-#}
{% macro normalised_email(column) -%}
    {#- tab, CR, LF, no-break space become spaces; zero-width space, non-joiner, joiner, word
        joiner and byte order mark are dropped (translate deletes what has no counterpart) -#}
    {%- set cleaned = "trim(translate(" ~ column ~ ", "
        ~ sql_literal('\t\r\n\u00a0\u200b\u200c\u200d\u2060\ufeff') ~ ", '    '))" -%}
    {%- set address = "lower(coalesce(nullif(regexp_extract(" ~ cleaned ~ ", '<([^<>]+)>$', 1), ''), "
        ~ cleaned ~ "))" -%}
    case
        when {{ valid_email(address) }}
            then {{ address }}
    end
{%- endmacro %}
