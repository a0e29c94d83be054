"""int_identity_match_fits: the Splink models int_identity_match_scores scores with, one
row per fit date (the fitted model as Splink's JSON).

Incremental (append): a run fits Splink on int_identity_match_training_records (the CRM
contacts as they were on the fit date of int_identity_match_fit_date, var
identity_fit_calendar) only when no fit of that date is stored: on the first build, a full
refresh, and when the calendar moves on. A rerun, or a run in the same period, adds
nothing and reads only the fit date, so the links move only with the data. Portable
between dbt-duckdb and dbt-databricks, like int_identity_match_scores; the code is
python_jobs.identity.match_pairs.fit_when_due.
"""

from python_jobs.identity.match_pairs import fit_when_due
from python_jobs.warehouse import read_table, to_engine_frame


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append")
    stored_fits = read_table(session, dbt.this) if dbt.is_incremental else None
    fits = fit_when_due(
        dbt.ref("int_identity_match_fit_date"),
        dbt.ref("int_identity_match_training_records"),
        stored_fits,
        session,
    )
    return to_engine_frame(fits, session)
