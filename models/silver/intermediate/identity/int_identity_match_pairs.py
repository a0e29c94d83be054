"""int_identity_match_pairs: the candidate pairs of identity records Splink scored (match
probability 0.01 or more, or the threshold if lower), with their match weight and
probability and whether the pair is accepted as a probabilistic link.

Records: int_identity_nodes with their rule component (int_identity_rule_components); only
CRM contacts (the records with a name) are scored, and a pair within one rule component is
never scored. The model: the stored Splink fit of the current fit date
(int_identity_match_fits; no pairs, with a warning, when there is none). The threshold comes
from the dbt var identity_match_threshold, which _identity__models.yml copies into
config.meta (dbt Python models cannot call var()). Portable between dbt-duckdb (Splink's
DuckDBAPI on an in-memory database fed the records as Arrow) and dbt-databricks (SparkAPI on
the SparkSession); the code is python_jobs.identity.match_pairs.
"""

from python_jobs.identity.match_pairs import (
    PAIRS_SCHEMA,
    current_fit,
    identity_records,
    score_match_pairs,
    to_engine_frame,
)


def model(dbt, session):
    dbt.config(materialized="table")
    model_json = current_fit(
        dbt.ref("int_identity_match_fits"), dbt.ref("int_identity_match_training_records")
    )
    if model_json is None:
        return to_engine_frame(PAIRS_SCHEMA.empty_table(), session)
    records = identity_records(
        dbt.ref("int_identity_nodes"), dbt.ref("int_identity_rule_components")
    )
    pairs = score_match_pairs(
        records,
        session,
        threshold=dbt.config.meta_get("identity_match_threshold"),
        model_json=model_json,
    )
    return to_engine_frame(pairs, session)
