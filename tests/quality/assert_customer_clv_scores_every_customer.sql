{{ config(severity='warn', tags=['ml', 'clv']) }}
-- Every customer of customer_purchase_summary has a CLV. customer_clv scores nobody when no fit
-- of clv_model_fits made as of the summary's as-of date or before converged (too few customers
-- or repeat purchases identify the models' parameters: a new shop); the build goes on, and this
-- test warns, with the latest such fit and its optimiser messages (also in the build's log).
{%- set unscored_customers %}
with summary as (
    select * from {{ ref('customer_purchase_summary') }}
),

scores as (
    select * from {{ ref('customer_clv') }}
),

latest_fit as (
    select
        fit_id,
        bgnbd_message,
        gg_message
    from {{ ref('clv_model_fits') }}
    where as_of_date <= (select max(summary.as_of_date) from summary)
    order by as_of_date desc, fitted_at desc
    limit 1
),

unscored as (
    select count(*) as customers
    from summary
    where customer_id not in (select scores.customer_id from scores)
)

select
    unscored.customers as unscored_customers,
    latest_fit.fit_id,
    latest_fit.bgnbd_message,
    latest_fit.gg_message
from unscored
cross join latest_fit
where unscored.customers > 0
{%- endset %}

{%- if execute %}
    {%- for customers, fit_id, bgnbd_message, gg_message in run_query(unscored_customers).rows %}
        {%- do log(customers ~ " customers of customer_purchase_summary have no CLV in"
            ~ " customer_clv: no fit converged. The latest, " ~ fit_id ~ ": BG/NBD "
            ~ (bgnbd_message or '') | trim('.') ~ "; Gamma-Gamma " ~ (gg_message or '') | trim('.')
            ~ ". A refit on more history (the next one due, var clv_refit_every_days) may"
            ~ " converge.", info=true) %}
    {%- endfor %}
{%- endif %}

{{ unscored_customers }}
