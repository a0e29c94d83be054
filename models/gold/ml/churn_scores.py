"""Churn scores of every customer at the latest as-of date of churn_features.

Loads the registered model's @champion version through python_jobs.churn.score and scores
the rows of the newest as-of date (the latest date of churn_features' calendar, a month end
by default: the ones whose churn label is still open). The model name
(and, where the Python runs away from the dbt process, the MLflow URIs) come from the
model's config.meta in _ml__churn.yml, fed by the var churn_model_name.

Works on dbt-duckdb (dbt.ref gives a DuckDBPyRelation) and on Databricks (a PySpark
DataFrame): narwhals filters to the latest as-of date in the engine, then collects pandas.
Tagged churn_scoring: run it with `dbt build --select tag:churn_scoring` once a champion
exists, and leave it out of the first build with `--exclude tag:churn_scoring`. Without a
champion the model fails with one sentence saying to train first (ScoringStopped: no traceback
in dbt's report).
"""

import datetime as dt

import narwhals as nw
import pandas as pd

from python_jobs.churn.config import ChurnJobError
from python_jobs.churn.score import ScoringStopped, load_champion, score_frame

OUTPUT_COLUMNS = [
    "customer_id",
    "as_of_date",
    "churn_probability",
    "risk_band",
    "model_name",
    "model_version",
    "scored_at",
]


def latest_as_of_pandas(relation) -> pd.DataFrame:
    """The rows of the newest as_of_date of a DuckDB relation / Spark DataFrame, as pandas."""
    frame = nw.from_native(relation)
    if isinstance(frame, nw.LazyFrame):
        latest = frame.select(nw.col("as_of_date").max()).collect().item()
        if latest is None:
            return frame.head(0).collect(backend="pandas").to_native()
        frame = frame.filter(nw.col("as_of_date") == nw.lit(latest))
        return frame.collect(backend="pandas").to_native()
    native = frame.to_pandas()
    return native[native["as_of_date"] == native["as_of_date"].max()]


def model(dbt, session):
    dbt.config(materialized="table")
    model_name = dbt.config.meta_get("churn_model_name")
    tracking_uri = dbt.config.meta_get("churn_tracking_uri") or None
    registry_uri = dbt.config.meta_get("churn_registry_uri") or None

    features = latest_as_of_pandas(dbt.ref("churn_features"))
    try:
        champion = load_champion(model_name, tracking_uri=tracking_uri, registry_uri=registry_uri)
        scored = score_frame(features, champion)
    except ChurnJobError as error:
        raise ScoringStopped(str(error)) from None

    scored["as_of_date"] = pd.to_datetime(scored["as_of_date"]).dt.date
    scored["model_name"] = champion.name
    scored["scored_at"] = pd.Timestamp(dt.datetime.now(dt.UTC).replace(tzinfo=None))
    return scored[OUTPUT_COLUMNS].reset_index(drop=True)
