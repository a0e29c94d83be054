{#-
    Every row of `relation` with its rate to the reporting currency on `day`: renders a select
    of `relation`.* plus
    - reporting_currency: the var, as a literal (macro reporting_currency);
    - reporting_time_zone: var `reporting_time_zone` (`day` is a day in that zone, macro
      reporting_date);
    - fx_rate_to_reporting: the rate in force on `day` of the row's currency over the one of
      the reporting currency, both to EUR (the seed's base), to 10 decimals; multiply an
      amount by it and cast to decimal(18, 2) to convert;
    - fx_currency_without_rate: the currency (the row's, else the reporting one) that has no
      rate in force on `day` (the day is before its history), else null.
    The rate periods of `fx_rates` (the seed, imported as a CTE; macro fx_rate_periods) are
    first cut where either the currency's or the reporting currency's rate changes, so each
    piece holds one rate to the reporting currency; the rows then need one left join, on the
    currency and the piece containing `day` (macro fx_period_contains): a hash join that
    matches at most one piece, so the row count of `relation` is kept. (A second join on the
    reporting currency's periods alone has no equality to hash on: the engine sorts every
    row for it.)
-#}
{% macro with_fx_rate_to_reporting(relation, fx_rates, currency_column, day) %}
    {%- set first_day = "cast('0001-01-01' as date)" -%}
    {%- set last_day = "cast('9999-12-31' as date)" -%}
    select
        {{ relation }}.*,
        {{ reporting_currency() }} as reporting_currency,
        {{ reporting_time_zone_column() }},
        rates_to_reporting.fx_rate_to_reporting,
        rates_to_reporting.fx_currency_without_rate
    from {{ relation }}
    left join (
        select
            amount_rates.currency_code,
            cast(
                amount_rates.rate_to_eur / reporting_rates.rate_to_eur as decimal(18, 10)
            ) as fx_rate_to_reporting,
            case
                when amount_rates.rate_to_eur is null
                    then amount_rates.currency_code
                when reporting_rates.currency_code is not null and reporting_rates.rate_to_eur is null
                    then reporting_rates.currency_code
            end as fx_currency_without_rate,
            greatest(
                coalesce(amount_rates.valid_from, {{ first_day }}),
                coalesce(reporting_rates.valid_from, {{ first_day }})
            ) as valid_from,
            least(
                coalesce(amount_rates.valid_to, {{ last_day }}),
                coalesce(reporting_rates.valid_to, {{ last_day }})
            ) as valid_to
        from ({{ fx_rate_periods(fx_rates) }}) as amount_rates
        left join ({{ fx_rate_periods(fx_rates) }}) as reporting_rates
            on
                reporting_rates.currency_code = {{ reporting_currency() }}
                and coalesce(reporting_rates.valid_from, {{ first_day }})
                < coalesce(amount_rates.valid_to, {{ last_day }})
                and coalesce(amount_rates.valid_from, {{ first_day }})
                < coalesce(reporting_rates.valid_to, {{ last_day }})
    ) as rates_to_reporting
        on
            {{ relation }}.{{ currency_column }} = rates_to_reporting.currency_code
            and {{ fx_period_contains('rates_to_reporting', day) }}
{% endmacro %}
