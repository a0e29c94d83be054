"""customer_clv: per-customer P(alive), expected purchases, expected spend and discounted CLV.

Scores customer_purchase_summary (as of the run's as-of date) with the latest fit of
clv_model_fits made as of that date or before that converged; fit_id and fit_as_of_date say
which (between scheduled refits, an earlier fit than the summary). The horizon and the annual
discount rate come from the dbt vars clv_horizon_periods and clv_annual_discount_rate, which
_ml__clv.yml copies into config.meta (dbt Python models cannot call var()). Scores nobody (an
empty table, with a warning; the test assert_customer_clv_scores_every_customer warns too) when
no fit converged. Portable between dbt-duckdb and dbt-databricks like clv_model_fits.
"""

from python_jobs.clv.models import CLV_SCHEMA, result_frame, score_customers


def model(dbt, session):
    dbt.config(materialized="table")
    horizon_periods = dbt.config.meta_get("clv_horizon_periods")
    annual_discount_rate = dbt.config.meta_get("clv_annual_discount_rate")
    scores = score_customers(
        dbt.ref("customer_purchase_summary"),
        dbt.ref("clv_model_fits"),
        horizon_periods=horizon_periods,
        annual_discount_rate=annual_discount_rate,
    )
    return result_frame(scores, session, CLV_SCHEMA)
