"""Step 2 of the Spark check: the Splink models int_identity_match_fits and
int_identity_match_scores, built on local Spark.

dbt-spark's session method cannot run dbt Python models, so ``make spark-check`` builds the
project in three steps (selectors.yml): the SQL upstream of the Splink models with dbt, then
this job, then the SQL downstream of them with dbt. This job does what the two Python models do
(models/silver/intermediate/identity/int_identity_match_fits.py and
int_identity_match_scores.py), with the same functions of :mod:`python_jobs.identity.match_pairs`,
on a SparkSession opened on dbt's warehouse: the ``spark`` output of profiles.yml (its
``server_side_parameters``: warehouse folder, Derby metastore, ...), plus Splink's similarity
functions on ``spark.jars``. dbt has exited, so the embedded Derby metastore is free. It fits
Splink on the view int_identity_match_training_records, as of the date of the view
int_identity_match_fit_date (a fresh build: no fit is stored),
scores every pair of int_identity_nodes with that fit at the dbt vars
identity_match_threshold and identity_ambiguity_probability of dbt_project.yml, and saves
both models as parquet tables beside them (``<schema>_silver``, the schema
generate_schema_name gives the spark target). Step 3 builds int_identity_match_pairs (SQL).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from python_jobs.identity.match_pairs import FITS_SCHEMA, fit_when_due, score_changed_pairs
from python_jobs.warehouse import REPO_ROOT

MODEL = "int_identity_match_scores"
FITS = "int_identity_match_fits"
INPUTS = (
    "int_identity_nodes",
    "int_identity_match_fit_date",
    "int_identity_match_training_records",
)
VARS = ("identity_match_threshold", "identity_ambiguity_probability")
LAYER = "silver"

logger = logging.getLogger(__name__)


class SparkMatchPairsError(Exception):
    """The step cannot run; the message says why."""


def spark_output(profiles_dir: Path | None = None, target: str = "spark") -> dict[str, Any]:
    """The ``spark`` output of profiles.yml with its Jinja rendered as dbt renders it
    (``env_var`` from this environment): the same settings dbt's session gets."""
    import jinja2

    folder = profiles_dir or Path(os.environ.get("DBT_PROFILES_DIR", REPO_ROOT))
    path = folder / "profiles.yml"
    try:
        profiles = yaml.safe_load(path.read_text(encoding="utf-8"))
        output = profiles["customer360"]["outputs"][target]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise SparkMatchPairsError(
            f"Cannot read the {target} output of the customer360 profile in {path} ({exc})."
        ) from None

    def env_var(name: str, default: str | None = None) -> str:
        value = os.environ.get(name, default)
        if value is None:
            raise SparkMatchPairsError(f"profiles.yml needs the environment variable {name}.")
        return value

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)

    def render(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: render(item) for key, item in value.items()}
        if isinstance(value, str):
            return environment.from_string(value).render(env_var=env_var)
        return value

    return render(output)


def match_vars(project_dir: Path = REPO_ROOT) -> dict[str, Any]:
    """The dbt vars of the scores (VARS) as dbt_project.yml sets them."""
    path = project_dir / "dbt_project.yml"
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    values = (project or {}).get("vars") or {}
    missing = [name for name in VARS if name not in values]
    if missing:
        raise SparkMatchPairsError(f"{path} sets no var {', '.join(missing)}.")
    return {name: values[name] for name in VARS}


def open_session(output: dict[str, Any]) -> Any:
    """A SparkSession with the profile's server-side parameters (as dbt-spark's session method
    builds it: Hive support, ANSI off) and Splink's similarity jar."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    builder = SparkSession.builder.appName(f"spark-check {MODEL}").enableHiveSupport()
    for key, value in (output.get("server_side_parameters") or {}).items():
        builder = builder.config(key, str(value))
    builder = builder.config("spark.sql.ansi.enabled", "false")
    builder = builder.config("spark.jars", similarity_jar_location())
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def build_match_scores(
    session: Any, schema: str, thresholds: dict[str, Any], progress: Callable[[str], None] = print
) -> int:
    """Fit Splink on ``<schema>.int_identity_match_training_records`` (as of the date of
    ``<schema>.int_identity_match_fit_date``) and save the fit as the
    parquet table ``<schema>.int_identity_match_fits``; score every pair of
    ``int_identity_nodes`` with it and save the scores as
    ``<schema>.int_identity_match_scores`` (both replaced); the number of pairs."""
    missing = [name for name in INPUTS if not session.catalog.tableExists(f"{schema}.{name}")]
    if missing:
        raise SparkMatchPairsError(
            f"{', '.join(f'{schema}.{name}' for name in missing)} not on Spark: build them first"
            " (dbt build --target spark --selector spark_check_before_splink)."
        )
    nodes, fit_date, training = (session.table(f"{schema}.{name}") for name in INPUTS)
    progress(f"Fitting Splink on {schema}.{INPUTS[2]}")
    fits = session.createDataFrame(
        fit_when_due(fit_date, training, None, session), schema=_spark_schema()
    )
    fits.write.mode("overwrite").format("parquet").saveAsTable(f"{schema}.{FITS}")
    progress(f"Scoring the pairs of {schema}.{INPUTS[0]} ({thresholds})")
    scores = score_changed_pairs(
        nodes,
        None,
        session.table(f"{schema}.{FITS}"),
        fit_date,
        session,
        threshold=thresholds["identity_match_threshold"],
        ambiguity=thresholds["identity_ambiguity_probability"],
    )
    if scores.num_rows == 0:
        raise SparkMatchPairsError("Splink scored no pair (the warning above says why).")
    progress(f"Saving {scores.num_rows:,} scored pairs as the parquet table {schema}.{MODEL}")
    (
        session.createDataFrame(scores)
        .write.mode("overwrite")
        .format("parquet")
        .saveAsTable(f"{schema}.{MODEL}")
    )
    return scores.num_rows


def _spark_schema() -> Any:
    """FITS_SCHEMA as Spark's schema (an empty Arrow table alone gives Spark no types)."""
    from pyspark.sql.types import DateType, LongType, StringType, StructField, StructType

    types = {"fit_date": DateType(), "training_records": LongType(), "model_json": StringType()}
    return StructType([StructField(name, types[name], False) for name in FITS_SCHEMA.names])


def run(progress: Callable[[str], None] = print) -> int:
    """The step of ``make spark-check``: profile, vars, session, fit and scores; the pair count."""
    output = spark_output()
    thresholds = match_vars()
    schema = f"{output['schema']}_{LAYER}"
    progress(f"Opening a local SparkSession on the spark target's warehouse ({schema})")
    session = open_session(output)
    try:
        return build_match_scores(session, schema, thresholds, progress)
    finally:
        session.stop()
