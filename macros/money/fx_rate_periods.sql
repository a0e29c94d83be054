{#-
    The rate history of the fx_rates seed (`relation`: a CTE or relation with currency_code,
    rate_to_eur, valid_from) as periods [valid_from, valid_to): a rate is in force from its
    valid_from until the next valid_from of the same currency (valid_to null: still in force).
    Each currency also gets one period before its first rate, with a null rate (valid_from
    null), so that a date before a currency's history finds a period without a rate, while a
    currency with no rate at all finds none. Join on
        periods.currency_code = <code> and {{ fx_period_contains('periods', '<date>') }}
    and every (currency, date) matches at most one period. Plain SQL (lead, no ASOF JOIN),
    the same on DuckDB and Spark/Databricks.
-#}
{% macro fx_rate_periods(relation) -%}
    select
        currency_code,
        rate_to_eur,
        valid_from,
        lead(valid_from) over (partition by currency_code order by valid_from) as valid_to
    from {{ relation }}

    union all

    select
        currency_code,
        cast(null as decimal(18, 6)) as rate_to_eur,
        cast(null as date) as valid_from,
        min(valid_from) as valid_to
    from {{ relation }}
    group by currency_code
{%- endmacro %}
