"""int_identity_match_scores: the pairs of CRM contacts Splink scored with the stored fit of
the current fit date (int_identity_match_fits), from the match probability the acceptance
reads (int_identity_match_pairs), with what each pair says against one person.

Incremental (append): a run scores the pairs of the contacts that changed (sighted after the
latest stored score, or at another time than their scores say: a privacy operation rebuilt
them): every pair on a first build, a full refresh or a new fit date; on a day 2 the pairs
of the batch's contacts. Its post-hook (macro delete_stale_match_scores) then deletes the
stored scores no longer current (of another fit date, of a contact gone or changed). The
scores need nothing of the deterministic rules, so they stay current when rule components
change. The thresholds come from the dbt vars identity_match_threshold and
identity_ambiguity_probability, which _identity__models.yml copies into config.meta (dbt
Python models cannot call var()). Portable between dbt-duckdb (Splink's DuckDBAPI on an
in-memory database fed the records as Arrow) and dbt-databricks (SparkAPI on the
SparkSession); the code is python_jobs.identity.match_pairs.
"""

from python_jobs.identity.match_pairs import score_changed_pairs
from python_jobs.warehouse import read_table, to_engine_frame


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append")
    scores = score_changed_pairs(
        dbt.ref("int_identity_nodes"),
        read_table(session, dbt.this) if dbt.is_incremental else None,
        dbt.ref("int_identity_match_fits"),
        dbt.ref("int_identity_match_fit_date"),
        session,
        threshold=dbt.config.meta_get("identity_match_threshold"),
        ambiguity=dbt.config.meta_get("identity_ambiguity_probability"),
    )
    return to_engine_frame(scores, session)
