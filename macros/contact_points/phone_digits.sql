{#-
    The digits of the phone text `column`, every other character removed (null stays null),
    an extension at its end left out (`ext. 12`, `extension 12`, `x12`, `#12`, any case): its
    digits are not part of the number. A phone that a spreadsheet wrote as a number in
    scientific notation (`4.91701E+11`: its last digits lost) has no digits (null), so that
    it is no contact point (the warn rule `phone_is_exact` names it).
-#}
{% macro phone_digits(column) %}
    {{ return('case when not ' ~ number_in_scientific_notation(column) ~ ' then '
        ~ adapter.dispatch('phone_digits', 'customer360')(column) ~ ' end') }}
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
