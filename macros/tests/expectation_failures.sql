{#-
    expectation_failures(model, expression, row_condition): the rows of model that fail a
    boolean expression, after row_condition has filtered the rows to test.

    The shared core of the row-level expectations: a row fails when the expression is false.
    A null expression is not a failure (SQL's three-valued logic), so a null value passes
    the value tests and is caught by expect_column_values_to_not_be_null, as in
    dbt-expectations. A row whose row_condition is null is not tested.
-#}

{%- macro expectation_failures(model, expression, row_condition=none) -%}
    {{ return(adapter.dispatch('expectation_failures', 'customer360')(
        model, expression, row_condition
    )) }}
{%- endmacro -%}


{%- macro default__expectation_failures(model, expression, row_condition) -%}
select *
from {{ model }}
where
    {% if row_condition -%}
    ({{ row_condition }})
    and
    {% endif -%}
    not ({{ expression }})
{%- endmacro -%}
