{#-
    The email of `column` as identity resolution compares it, null unless it then looks like
    an address (valid_email): lower-cased and trimmed, after tabs, line breaks and no-break
    spaces became spaces and zero-width characters (a copy from a web page or a spreadsheet)
    were dropped; the address alone of a display form (`Jakub Nowak <jakub@x.com>`) or of a
    link copied from a web page (`mailto:jakub@x.com`), without the full stop a sentence left
    at its end (`jakub@x.com.`). Null too
    for an address a shop types when the buyer gives none (`noemail@...`, `none@...`:
    placeholder_email_pattern, which also has erased and reserved-domain addresses such as
    `deleted@site.invalid`): shared by strangers, it would make them one customer. No
    provider rewriting (gmail dots, `+tags`): two spellings a provider treats as one stay two.
-#}
{% macro normalised_email(column) -%}
    {#- tab, CR, LF, no-break space become spaces; zero-width space, non-joiner, joiner, word
        joiner and byte order mark are dropped (translate deletes what has no counterpart) -#}
    {%- set cleaned = "trim(translate(" ~ column ~ ", "
        ~ sql_literal('\t\r\n\u00a0\u200b\u200c\u200d\u2060\ufeff') ~ ", '    '))" -%}
    {%- set displayed = "lower(coalesce(nullif(regexp_extract(" ~ cleaned ~ ", '<([^<>]+)>$', 1), ''), "
        ~ cleaned ~ "))" -%}
    {#- each pattern anchored, so one replacement each, as DuckDB makes (Spark makes all) -#}
    {%- set address = "regexp_replace(regexp_replace(" ~ displayed ~ ", '^mailto:', ''), '[.]+$', '')" -%}
    case
        when
            {{ valid_email(address) }}
            and not {{ regex_match_expression(address, placeholder_email_pattern()) }}
            then {{ address }}
    end
{%- endmacro %}


{#-
    The addresses a shop or a CRM types when a buyer gives none (their local parts), the ones
    a privacy eraser writes over an erased buyer's (WooCommerce: `deleted@site.invalid`), and
    any address under a top-level domain reserved so that it never receives mail (`.invalid`,
    `.example`, `.test`, `.localhost`: RFC 2606).
-#}
{% macro placeholder_email_pattern() -%}
    (^(no-?e?-?mail|no_email|none|no-?reply|do-?not-?reply|unknown|null|dummy|deleted|anonymi[sz]ed)@)|([.@](invalid|example|test|localhost)$)
{%- endmacro %}
