{#- The text column quotes one of `texts` (lower-case), case-insensitively (SQL, may be null). -#}
{% macro privacy_text_condition(column, texts) %}
    {% set tests = [] %}
    {% for text in texts %}
        {% do tests.append('instr(lower(' ~ column ~ '), ' ~ sql_literal(text) ~ ') > 0') %}
    {% endfor %}
    {{ return('(' ~ tests | join(' or ') ~ ')') }}
{% endmacro %}
