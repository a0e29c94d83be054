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

-- the fit customer_clv tries first (python_jobs/clv/models.py orders them the same way)
latest_fit as (
    select
        fit_id,
        bgnbd_converged,
        bgnbd_message,
        -- a Gamma-Gamma model not fitted (no repeat spend) is usable: the mean spend stands in
        gg_converged or gg_p is null as gg_usable,
        gg_message
    from {{ ref('clv_model_fits') }}
    where as_of_date <= (select max(summary.as_of_date) from summary)
    order by as_of_date desc, fitted_at desc, fit_id desc
    limit 1
),

unscored as (
    select count(*) as customers
    from summary
    where not exists (
        select 1 from scores
        where scores.customer_id = summary.customer_id
    )
)

select
    unscored.customers as unscored_customers,
    latest_fit.fit_id,
    latest_fit.bgnbd_converged,
    latest_fit.bgnbd_message,
    latest_fit.gg_usable,
    latest_fit.gg_message
from unscored
cross join latest_fit
where unscored.customers > 0
{%- endset %}

{%- if execute %}
    {%- for row in run_query(unscored_customers).rows %}
        {%- set messages = [] %}
        {%- for model, converged, message in [
            ('BG/NBD', row['bgnbd_converged'], row['bgnbd_message']),
            ('Gamma-Gamma', row['gg_usable'], row['gg_message'])] if not converged %}
            {%- do messages.append(model ~ " " ~ (message or 'not fitted') | trim('.')) %}
        {%- endfor %}
        {%- do log(row['unscored_customers'] ~ " customers of customer_purchase_summary have no"
            ~ " CLV in customer_clv. "
            ~ ("The latest fit, " ~ row['fit_id'] ~ ", cannot be used: " ~ messages | join('; ')
                ~ ". A refit on more history (the next one due, var clv_refit_every_days) may"
                ~ " converge." if messages else "The latest fit, " ~ row['fit_id']
                ~ ", converged: build customer_clv again (dbt build -s customer_clv).")
            , info=true) %}
    {%- endfor %}
{%- endif %}

{{ unscored_customers }}
