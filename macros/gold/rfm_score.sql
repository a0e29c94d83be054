{#-
    An RFM score, 1 to 5 (5 best), over the rows of the select it is in: 1 + the whole number
    of fifths of the rows with a worse value (ordered worst first by `order_by`). Equal values
    share a score, and the worst value always scores 1: one-purchase customers are frequency 1
    however many they are (a cumulative distribution would give them all 2 once they are more
    than a fifth of the customers).
-#}
{% macro rfm_score(order_by) -%}
    cast(1 + floor(5 * (rank() over (order by {{ order_by }}) - 1) / count(*) over ()) as integer)
{%- endmacro %}
