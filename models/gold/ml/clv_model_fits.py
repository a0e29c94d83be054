"""clv_model_fits: BG/NBD and Gamma-Gamma maximum-likelihood fits, one row per fit.

Portable: runs on dbt-duckdb (dbt.ref gives a DuckDB relation, session is the connection)
and on dbt-databricks (a Spark DataFrame and the SparkSession). The maths and the
engine-agnostic frame handling live in python_jobs.clv (see python_jobs/clv/models.py).
A fit that does not converge is written with *_converged = false and logged as a warning;
customer_clv refuses to score with it.
"""

from python_jobs.clv.models import FITS_SCHEMA, fit_models, to_engine_frame


def model(dbt, session):
    dbt.config(materialized="table")
    summary = dbt.ref("customer_purchase_summary")
    return to_engine_frame(fit_models(summary), session, FITS_SCHEMA)
