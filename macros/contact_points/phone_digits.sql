{#-
    The digits of the phone text `column`, every other character removed (null stays null),
    an extension at its end left out (`ext. 12`, `extension 12`, `x12`, `#12`, any case): its
    digits are not part of the number. A trunk `0` in brackets (`+43 (0)160 6537592`, as
    written in Austria, Germany and the UK) is left out: it is not dialled after the country
    code. A phone that a spreadsheet wrote as a number in
    scientific notation (`4.91701E+11`: its last digits lost) has no digits (null), so that
    it is no contact point (the warn rule `phone_is_exact` names it).
-#}
{% macro phone_digits(column) %}
    {#- the trunk 0 an international notation writes in brackets is not dialled -#}
    {{ return('case when not ' ~ number_in_scientific_notation(column) ~ ' then '
        ~ adapter.dispatch('phone_digits', 'customer360')("replace(" ~ column ~ ", '(0)', '')")
        ~ ' end') }}
{% endmacro %}

{#- DuckDB replaces the first match only, unless given the `g` option. -#}
{% macro duckdb__phone_digits(column) -%}
    regexp_replace(
        regexp_replace({{ column }}, '(ext\.?|extension|x|#)\s*[0-9]+\s*$', '', 'i'),
        '[^0-9]', '', 'g'
    )
{%- endmacro %}

{% macro spark__phone_digits(column) -%}
    regexp_replace(
        regexp_replace({{ column }}, '(?i)(ext\\.?|extension|x|#)\\s*[0-9]+\\s*$', ''),
        '[^0-9]', ''
    )
{%- endmacro %}
