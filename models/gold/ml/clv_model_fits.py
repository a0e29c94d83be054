"""clv_model_fits: BG/NBD and Gamma-Gamma maximum-likelihood fits, one row per fit.

Incremental (append): CLV is refitted on a schedule. A run adds the fit of
customer_purchase_summary only when one is due (python_jobs.clv.models.fit_when_due): on the
first build and a full refresh, when no fit was made as of the summary's as-of date or
before, when the latest is clv_refit_every_days or more older, or when the time unit changed;
otherwise it adds nothing, so a rerun without new data changes no row. The var arrives through
config.meta (_ml__clv.yml), since Python models cannot call var().

Portable: runs on dbt-duckdb (dbt.ref gives a DuckDB relation, session is the connection)
and on dbt-databricks (a Spark DataFrame and the SparkSession). The maths and the
engine-agnostic frame handling live in python_jobs.clv (see python_jobs/clv/models.py).
A fit that does not converge is written with *_converged = false and logged as a warning;
customer_clv does not score with it.
"""

from python_jobs.clv.models import FITS_SCHEMA, fit_when_due, result_frame
from python_jobs.warehouse import read_table


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append")
    previous_fits = read_table(session, dbt.this) if dbt.is_incremental else None
    fits = fit_when_due(
        dbt.ref("customer_purchase_summary"),
        previous_fits,
        refit_every_days=dbt.config.meta_get("clv_refit_every_days"),
    )
    return result_frame(fits, session, FITS_SCHEMA)
