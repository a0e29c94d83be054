{#-
    divide_money(numerator, denominator): an amount divided by a count, rounded to the cent
    (half away from zero) as decimal(18, 2); null when the count is 0 or null. Used for
    averages such as the average order value.

    Engines differ: DuckDB divides decimals in double precision, so an exact half cent
    (137.95 / 2 = 68.975) may round down; Spark and Databricks divide decimals exactly and
    round HALF_UP. The DuckDB body therefore divides in integer cents (divide() is DuckDB's
    integer division, the function form of //), so both engines give the same cent.
-#}
{% macro divide_money(numerator, denominator) -%}
    {{ return(adapter.dispatch('divide_money', 'customer360')(numerator, denominator)) }}
{%- endmacro %}


{% macro default__divide_money(numerator, denominator) -%}
    cast({{ numerator }} / nullif({{ denominator }}, 0) as decimal(18, 2))
{%- endmacro %}


{% macro duckdb__divide_money(numerator, denominator) -%}
    cast(
        sign({{ numerator }})
        * divide(
            abs(cast({{ numerator }} * 100 as bigint)) * 2 + ({{ denominator }}),
            2 * nullif({{ denominator }}, 0)
        )
        * 0.01
        as decimal(18, 2)
    )
{%- endmacro %}
