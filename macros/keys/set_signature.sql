{#-
    An aggregate: the order-independent 64-bit fingerprint of a group's values of a string
    expression, the xor of their md5_bigint (0 for a group without a value). Two groups of the
    same values give the same signature whatever their order, so a stored signature says
    whether a customer's identity nodes, or a node's links, changed since it was stored.
-#}
{% macro set_signature(expression) -%}
    coalesce(bit_xor({{ md5_bigint(expression) }}), 0)
{%- endmacro %}
