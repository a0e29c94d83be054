{#-
    Every row of `relation` with its rate to the reporting currency on `day`: renders a select
    of `relation`.* plus
    - reporting_currency: the var, as a literal (macro reporting_currency);
    - fx_rate_to_reporting: the rate in force on `day` of the row's currency over the one of
      the reporting currency, both to EUR (the seed's base), to 10 decimals; multiply an
      amount by it and cast to decimal(18, 2) to convert;
    - fx_currency_without_rate: the currency (the row's, else the reporting one) that has no
      rate in force on `day` (the day is before its history), else null.
    Two left joins on the rate periods of `fx_rates` (the seed, imported as a CTE; macro
    fx_rate_periods), each matching at most one period (macro fx_period_contains), so the
    row count of `relation` is kept.
-#}
{% macro with_fx_rate_to_reporting(relation, fx_rates, currency_column, day) %}
    select
        {{ relation }}.*,
        {{ reporting_currency() }} as reporting_currency,
        cast(
            amount_rates.rate_to_eur / reporting_rates.rate_to_eur as decimal(18, 10)
        ) as fx_rate_to_reporting,
        case
            when amount_rates.currency_code is not null and amount_rates.rate_to_eur is null
                then amount_rates.currency_code
            when reporting_rates.currency_code is not null and reporting_rates.rate_to_eur is null
                then reporting_rates.currency_code
        end as fx_currency_without_rate
    from {{ relation }}
    left join ({{ fx_rate_periods(fx_rates) }}) as amount_rates
        on
            {{ relation }}.{{ currency_column }} = amount_rates.currency_code
            and {{ fx_period_contains('amount_rates', day) }}
    left join ({{ fx_rate_periods(fx_rates) }}) as reporting_rates
        on
            reporting_rates.currency_code = {{ reporting_currency() }}
            and {{ fx_period_contains('reporting_rates', day) }}
{% endmacro %}
