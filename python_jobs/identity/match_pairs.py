"""Probabilistic links between identity records (Splink): the code of the Splink models.

Two dbt Python models (models/silver/intermediate/identity/) are thin wrappers around this
module: ``int_identity_match_fits`` (:func:`fit_when_due`: learn the model once per fit date,
int_identity_match_fit_date, from int_identity_match_training_records) and
``int_identity_match_scores``
(:func:`score_changed_pairs`: score, with the fit of the current date, the pairs of the CRM
contacts that changed since the last run; every pair on a first build, a full refresh or a
new fit). Which scored pairs are links is SQL: ``int_identity_match_pairs``. The functions
take the *native* frames of the engine (a DuckDB relation on dbt-duckdb, a PySpark DataFrame
on dbt-databricks; pandas and pyarrow work too) and its session, and run Splink: on Spark
where the records are (``SparkAPI`` on the SparkSession); on DuckDB in an in-memory database
of its own (``DuckDBAPI``), fed the records as Arrow, so that Splink's working tables never
touch the warehouse (dbt-duckdb hands a Python model a connection wrapper Splink does not
accept). Only the results come back to Python, as Arrow tables (:data:`FITS_SCHEMA`,
:data:`SCORES_SCHEMA`); :func:`python_jobs.warehouse.to_engine_frame` hands them back to the
engine.

Records: one per identity node (the columns of :data:`RECORD_COLUMNS`: int_identity_nodes).
Only CRM contacts (:data:`SCORED_NODE_TYPES`) are scored: they are the records with a name,
and the duplicate contacts the rules cannot link (another address, no phone) are what Splink
is for. Orders and tickets carry only an email and a phone, which the deterministic rules
already compare exactly.

The model (docs/identity_resolution.md):

* comparisons: first and last name (Jaro-Winkler levels), city, country, the email's local
  part, the phone's national number (exact, then its last 7 digits);
* blocking: last name + city, email local part, the phone's last 7 digits. The scores need
  nothing of the deterministic rules, so they stay valid when the rule components change;
  int_identity_match_pairs keeps the pairs across two components;
* training without labels: the prior from deterministic rules, u by random sampling with a
  fixed seed, m by expectation maximisation on two blocking rules. The same records give the
  same fit, and a fit gives the same scores;
* what each pair says against one person, for the acceptance: first or last names more than a
  typo apart (``names_alike`` false); both phones known and different (``phones_differ``: a
  person's contacts carry one mobile number; a family sharing an address and a surname has
  two).

When Splink cannot learn (too few records, no pair to learn from), there is no fit and no
score, and a warning says why; no traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import time
from typing import Any

import narwhals as nw
import pyarrow as pa

from python_jobs.warehouse import is_spark

__all__ = [
    "FITS_SCHEMA",
    "RECORD_COLUMNS",
    "SCORED_NODE_TYPES",
    "SCORES_SCHEMA",
    "TRAINING_COLUMNS",
    "IdentityMatchError",
    "current_fit",
    "fit_match_model",
    "fit_when_due",
    "kept_probability",
    "parse_probability",
    "score_changed_pairs",
    "score_pairs",
]

logger = logging.getLogger(__name__)

# The compared columns of a record: int_identity_nodes, int_identity_match_training_records.
COMPARED_COLUMNS = (
    "node_key",
    "node_type",
    "first_name",
    "last_name",
    "city",
    "country_code",
    "email_normalised",
    "phone_national_number",
)
# The records scored (int_identity_nodes), with when each was last sighted: a stored score is
# of the records as they were then.
RECORD_COLUMNS = (*COMPARED_COLUMNS, "_ingested_at")
# The training records (int_identity_match_training_records): the CRM contacts as they were
# on the fit date, which every row carries.
TRAINING_COLUMNS = (*COMPARED_COLUMNS, "fit_date")

SCORED_NODE_TYPES = ("crm",)

# One row per scored pair kept (int_identity_match_scores), node_key_l < node_key_r: its
# scores, what it says against one person, the fit that scored it, each record's _ingested_at
# when it was scored (the records as they were then) and the later of the two.
SCORES_SCHEMA = pa.schema(
    [
        pa.field("node_key_l", pa.string(), nullable=False),
        pa.field("node_key_r", pa.string(), nullable=False),
        pa.field("match_weight", pa.float64(), nullable=False),
        pa.field("match_probability", pa.float64(), nullable=False),
        pa.field("names_alike", pa.bool_(), nullable=False),
        pa.field("phones_differ", pa.bool_(), nullable=False),
        pa.field("fit_date", pa.date32(), nullable=True),
        pa.field("node_l_ingested_at", pa.timestamp("us"), nullable=True),
        pa.field("node_r_ingested_at", pa.timestamp("us"), nullable=True),
        pa.field("_ingested_at", pa.timestamp("us"), nullable=True),
    ]
)

# One row per fit (int_identity_match_fits): the fit date, how many records it learnt from,
# and the fitted model as Splink's JSON (prior, comparisons with their m and u).
FITS_SCHEMA = pa.schema(
    [
        pa.field("fit_date", pa.date32(), nullable=False),
        pa.field("training_records", pa.int64(), nullable=False),
        pa.field("model_json", pa.string(), nullable=False),
    ]
)

SEED = 42
# Pairs sampled to estimate u (the chance of each comparison level among non-matches).
U_MAX_PAIRS = 2e6
# names_alike: names at most this many edits apart are one name with a typo.
TYPO_DISTANCE = 2
# Kept: the pairs the acceptance reads, those from the lower of the threshold and the
# ambiguity probability (:func:`kept_probability`). At scale 1 that is 283k of the 3.2M pairs
# scored; writing the others took most of the model's time. Splink filters its predictions on
# the match weight: it keeps this much weight below the probability's, and the SQL cuts exactly.
_WEIGHT_MARGIN = 0.01
# Below this many records Splink's estimates mean nothing: no fit, with a warning.
MIN_RECORDS = 10
# The prior (probability that two random records match) comes from these deterministic rules,
# assumed to find this share of the true matches.
PRIOR_RULES_RECALL = 0.7

_BLOCKING_COLUMNS = (("last_name", "city"), ("email_local",), ("phone_last7",))
# Expectation maximisation learns m on pairs that are mostly matches: the same first and last
# name (trains city, country, email, phone), the same phone (trains the names, city, email).
EM_BLOCKING_COLUMNS = (("email_normalised",), ("phone_national_number",))


class IdentityMatchError(ValueError):
    """The records or the settings cannot be scored; the message says why."""


# --------------------------------------------------------------------------- settings


def parse_probability(value: Any, var: str) -> float:
    """A probability as it arrives from dbt (a string once rendered) from the dbt var ``var``."""
    try:
        probability = float(value)
    except (TypeError, ValueError):
        probability = math.nan
    if not 0.0 < probability <= 1.0:
        raise IdentityMatchError(
            f"{var} must be a probability in (0, 1]; got {value!r} (set the dbt var {var})."
        )
    return probability


def kept_probability(threshold: Any, ambiguity: Any) -> float:
    """The match probability from which a scored pair is kept: every pair the acceptance
    reads (int_identity_match_pairs: the accepted ones at the threshold, and those that make a
    contact ambiguous) and no other."""
    return min(
        parse_probability(threshold, "identity_match_threshold"),
        parse_probability(ambiguity, "identity_ambiguity_probability"),
    )


def _training_settings() -> Any:
    """What Splink learns: the comparisons (their m and u) and the prior. The blocking rules of
    the predictions and the columns they keep are not part of a fit: they come from
    :func:`_scoring_settings` when a fit scores."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator

    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.NullLevel("phone_national_number"),
            cll.ExactMatchLevel("phone_national_number"),
            cll.ExactMatchLevel("phone_last7"),
            cll.ElseLevel(),
        ],
        comparison_description="national number exact, its last 7 digits, else",
    )
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="node_key",
        comparisons=[
            cl.JaroWinklerAtThresholds("first_name", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("last_name", [0.92, 0.8]),
            cl.ExactMatch("city"),
            cl.ExactMatch("country_code"),
            cl.ExactMatch("email_local"),
            phone,
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _scoring_settings(model_json: str, only_changed: bool) -> dict[str, Any]:
    """Splink's settings to score with a stored fit: the fit (model_json) with this module's
    blocking rules (``only_changed``: the pairs with a changed record, column is_changed) and
    the columns _scores_sql reads."""
    try:
        model = json.loads(model_json)
    except (TypeError, ValueError) as exc:
        raise IdentityMatchError(f"The stored Splink fit is not JSON ({exc}).") from None
    return {
        **model,
        "blocking_rules_to_generate_predictions": [
            " and ".join(
                [
                    *(f"l.{c} = r.{c}" for c in columns),
                    *(["(l.is_changed or r.is_changed)"] if only_changed else []),
                ]
            )
            for columns in _BLOCKING_COLUMNS
        ],
        # the predictions keep only the columns the acceptance reads: at scale 1 Splink scores
        # 3.2M pairs, and writing every other compared column too (city, country, email,
        # phone digits; both sides) took most of the model's time in dbt
        "retain_matching_columns": False,
        "additional_columns_to_retain": [
            "first_name",
            "last_name",
            "phone_national_number",
            "_ingested_at",
        ],
        "retain_intermediate_calculation_columns": False,
    }


# --------------------------------------------------------------------------- records


def _lazy(native: Any) -> nw.LazyFrame:
    try:
        frame = nw.from_native(native)
    except TypeError as exc:
        raise IdentityMatchError(
            "The identity records must be a DuckDB relation, a Spark, pandas or pyarrow "
            f"DataFrame; got {type(native).__name__}."
        ) from exc
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def _require(frame: nw.LazyFrame, columns: tuple[str, ...], what: str) -> None:
    """Raise IdentityMatchError naming the columns of ``columns`` that ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.collect_schema().names()]
    if missing:
        raise IdentityMatchError(
            f"The {what} lack the column(s) {', '.join(missing)}; they need {', '.join(columns)}."
        )


def _text(name: str, *, lower: bool = False) -> nw.Expr:
    """A string column trimmed (lower-cased when asked), an empty value as null."""
    value = nw.col(name).cast(nw.String()).str.strip_chars()
    if lower:
        value = value.str.to_lowercase()
    return nw.when(value != "").then(value).alias(name)


def _scored_records(
    records: Any, columns: tuple[str, ...] = RECORD_COLUMNS, what: str = "identity records"
) -> nw.LazyFrame:
    """The records Splink scores (or learns from): CRM contacts with their comparison columns
    (names and city lower-cased, the email's local part, the phone's last 7 digits), and
    _ingested_at when ``columns`` has it."""
    frame = _lazy(records)
    _require(frame, columns, what)
    sighted = ["_ingested_at"] if "_ingested_at" in columns else []
    return (
        frame.filter(nw.col("node_type").is_in(SCORED_NODE_TYPES))
        .select(
            nw.col("node_key").cast(nw.String()),
            nw.col("node_type").cast(nw.String()),
            _text("first_name", lower=True),
            _text("last_name", lower=True),
            _text("city", lower=True),
            _text("country_code", lower=True),
            _text("email_normalised"),
            _text("phone_national_number"),
            *(nw.col(name).cast(nw.Datetime("us")) for name in sighted),
        )
        .with_columns(
            nw.col("email_normalised").str.replace_all(r"@.*$", "").alias("email_local"),
            nw.col("phone_national_number").str.slice(-7).alias("phone_last7"),
        )
        .with_columns(
            nw.when(nw.col("email_local") != "").then(nw.col("email_local")).alias("email_local")
        )
        .sort("node_key")
    )


def _count(frame: nw.LazyFrame) -> int:
    table = frame.select(nw.len().alias("n")).collect(backend="pyarrow").to_native()
    return int(table.column("n")[0].as_py())


# --------------------------------------------------------------------------- scoring


def _db_api(session: Any) -> Any:
    """Splink's API on the engine the session belongs to."""
    if is_spark(session):
        from splink import SparkAPI

        # Outside Databricks (which writes Delta tables) Splink breaks Spark lineage with
        # parquet files in the checkpoint directory; without one, persisting is the way.
        context = getattr(session, "sparkContext", None)
        has_dir = context is not None and context.getCheckpointDir() is not None
        api = SparkAPI(spark_session=session, break_lineage_method=None if has_dir else "persist")
        try:
            session.sql("select jaro_winkler('a', 'b')").collect()
        except Exception as exc:
            raise IdentityMatchError(
                "Splink's similarity functions (jaro_winkler) are not available on this "
                "SparkSession: start it with the jar of "
                "splink.backends.spark.similarity_jar_location() in spark.jars."
            ) from exc
        return api
    import duckdb
    from splink import DuckDBAPI

    return DuckDBAPI(connection=duckdb.connect())


def _native_for(records: nw.LazyFrame, session: Any) -> Any:
    """The records in the form the session's Splink API registers: the engine's own frame
    when it is that engine's, else an Arrow table."""
    native = nw.to_native(records)
    if is_spark(session) and type(native).__module__.startswith("pyspark"):
        return native
    return records.collect(backend="pyarrow").to_native()


def _empty(reason: str) -> pa.Table:
    logger.warning("int_identity_match_scores has no new scores: %s", reason)
    return SCORES_SCHEMA.empty_table()


def score_pairs(
    records: Any,
    session: Any,
    model_json: str,
    *,
    min_probability: float,
    stored_scores: Any | None = None,
) -> pa.Table:
    """Score, with the fit ``model_json`` (:func:`fit_match_model`), the pairs of records that
    share a blocking key; one row per pair kept (SCORES_SCHEMA, fit_date null),
    node_key_l < node_key_r, in no particular order.

    ``records``: the identity records (RECORD_COLUMNS, e.g. int_identity_nodes), native to
    the engine of ``session`` (a DuckDB connection or a SparkSession). ``min_probability``:
    the pairs kept, from this match probability (0 keeps every scored pair).
    ``stored_scores``: the scores already stored with the same fit (SCORES_SCHEMA, native to
    the same engine); only the pairs with a changed record are scored then
    (:func:`_with_changes`). Every pair when None or empty.
    """
    from splink import Linker

    scored = _scored_records(records)
    only_changed = False
    if stored_scores is not None:
        marked = _with_changes(scored, stored_scores)
        if marked is not None:
            scored, only_changed = marked, True
    if not is_spark(session):
        # the records read once, as Arrow (what Splink's DuckDBAPI registers), not once for
        # each count below and again for Splink (on day 2 at scale 1: 0.2 s of the model)
        scored = _lazy(scored.collect(backend="pyarrow").to_native())
    if only_changed:
        changed = _count(scored.filter(nw.col("is_changed")))
        if changed == 0:
            logger.info("Splink: no CRM contact changed since the stored scores")
            return SCORES_SCHEMA.empty_table()
    n_records = _count(scored)
    if n_records < 2:
        return _empty(f"only {n_records} CRM contact record(s): no pair to score.")
    started = time.monotonic()
    logger.info(
        "Splink: scoring the pairs of %s CRM contact records",
        f"{changed} of the {n_records}" if only_changed else f"all {n_records}",
    )
    db_api = _db_api(session)
    input_table = db_api.register(_native_for(scored, session))
    linker = Linker(input_table, _scoring_settings(model_json, only_changed), log_level=None)
    try:
        predictions = linker.inference.predict(
            threshold_match_weight=(
                _weight(min_probability) - _WEIGHT_MARGIN if min_probability > 0 else None
            ),
            warning_mode="never",
        )
        pairs = predictions.query_sql(_scores_sql(min_probability)).as_pyarrow_table()
    finally:
        linker.table_management.delete_tables_created_by_splink_from_db()
        input_table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    result = pairs.select(SCORES_SCHEMA.names).cast(SCORES_SCHEMA)
    logger.info(
        "Splink: %d pairs kept (match probability >= %s) in %.1f s",
        result.num_rows,
        min_probability,
        time.monotonic() - started,
    )
    return result


def fit_match_model(
    records: Any, session: Any, *, seed: int = SEED, u_max_pairs: float = U_MAX_PAIRS
) -> str | None:
    """Train Splink on ``records`` (CRM contacts with COMPARED_COLUMNS, native to the engine
    of ``session``): the fitted model as Splink's JSON
    (the prior and each comparison's m and u), or None with a warning when it cannot learn
    (too few records, no pair to learn from). The same records give the same fit."""
    from splink import Linker
    from splink.internals.exceptions import SplinkException

    training = _scored_records(records, COMPARED_COLUMNS, "training records")
    n_records = _count(training)
    if n_records < MIN_RECORDS:
        logger.warning(
            "Splink has no fit: only %d CRM contact record(s), fewer than the %d the model "
            "needs to estimate anything.",
            n_records,
            MIN_RECORDS,
        )
        return None
    started = time.monotonic()
    logger.info("Splink: learning from %d CRM contact records", n_records)
    db_api = _db_api(session)
    input_table = db_api.register(_native_for(training, session))
    linker = Linker(input_table, _training_settings(), log_level=None)
    try:
        _train(linker, seed=seed, u_max_pairs=u_max_pairs)
        model = linker.misc.save_model_to_json()
    except (SplinkException, ArithmeticError, ValueError) as exc:
        logger.warning("Splink has no fit: it could not train on %d records (%s).", n_records, exc)
        return None
    finally:
        linker.table_management.delete_tables_created_by_splink_from_db()
        input_table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    # a random id of the Linker object, not of the fit: two fits of the same records are equal
    model.pop("linker_uid", None)
    logger.info("Splink: trained in %.1f s", time.monotonic() - started)
    return json.dumps(model, sort_keys=True)


def _train(linker: Any, *, seed: int, u_max_pairs: float) -> None:
    """Unsupervised training: the prior from deterministic rules, u from random pairs (seeded),
    m by expectation maximisation on pairs of equal names, then of equal phones."""
    from splink import block_on

    training = linker.training
    logger.info("Splink: estimating the prior from deterministic rules")
    training.estimate_probability_two_random_records_match(
        [
            block_on("first_name", "last_name", "city"),
            block_on("email_local", "phone_national_number"),
        ],
        recall=PRIOR_RULES_RECALL,
    )
    logger.info("Splink: estimating u on up to %.0f random pairs (seed %d)", u_max_pairs, seed)
    training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    for columns in EM_BLOCKING_COLUMNS:
        logger.info("Splink: expectation maximisation on pairs blocked by %s", " + ".join(columns))
        training.estimate_parameters_using_expectation_maximisation(block_on(*columns))


def _weight(probability: float) -> float:
    """Splink's match weight of a match probability (log2 of the odds)."""
    return math.inf if probability >= 1 else math.log2(probability / (1 - probability))


def _scores_sql(min_probability: float) -> str:
    """The scored pairs from match probability ``min_probability``, with what contradicts one
    person (the same SQL on DuckDB and Spark): ``names_alike`` when the first names and the
    last names are each at most a typo apart (TYPO_DISTANCE; false when one is unknown),
    ``phones_differ`` when both phones are known and differ; and the records' _ingested_at,
    each and the later. One row per pair, node_key_l < node_key_r, unsorted: a table has no
    order, and sorting 3.2M pairs took a sixth of Splink's time at scale 1."""
    alike = (
        f"levenshtein(first_name_l, first_name_r) <= {TYPO_DISTANCE}"
        f" and levenshtein(last_name_l, last_name_r) <= {TYPO_DISTANCE}"
    )
    return f"""
        select
            least(node_key_l, node_key_r) as node_key_l,
            greatest(node_key_l, node_key_r) as node_key_r,
            cast(match_weight as double) as match_weight,
            cast(match_probability as double) as match_probability,
            coalesce({alike}, false) as names_alike,
            coalesce(phone_national_number_l <> phone_national_number_r, false)
                as phones_differ,
            cast(null as date) as fit_date,
            case when node_key_l < node_key_r then _ingested_at_l else _ingested_at_r end
                as node_l_ingested_at,
            case when node_key_l < node_key_r then _ingested_at_r else _ingested_at_l end
                as node_r_ingested_at,
            greatest(_ingested_at_l, _ingested_at_r) as _ingested_at
        from {{this}}
        where match_probability >= {min_probability!r}
    """


# --------------------------------------------------------------------------- fits


def _fit_date(fit_date: Any) -> dt.date | None:
    """The date of ``fit_date`` (int_identity_match_fit_date: one row), or None without one."""
    frame = _lazy(fit_date)
    _require(frame, ("fit_date",), "fit date")
    table = frame.select(nw.col("fit_date").max()).collect(backend="pyarrow").to_native()
    return table.column(0)[0].as_py()


def _stored_fits(fits: Any) -> list[dict[str, Any]]:
    frame = _lazy(fits)
    _require(frame, tuple(FITS_SCHEMA.names), "stored fits")
    return frame.select(*FITS_SCHEMA.names).collect(backend="pyarrow").to_native().to_pylist()


def fit_when_due(
    fit_date: Any,
    training_records: Any,
    stored_fits: Any | None,
    session: Any,
    *,
    seed: int = SEED,
    u_max_pairs: float = U_MAX_PAIRS,
) -> pa.Table:
    """The rows int_identity_match_fits adds (FITS_SCHEMA): the fit of the training records
    (TRAINING_COLUMNS: the CRM contacts as they were on the fit date, ``fit_date``:
    int_identity_match_fit_date), unless ``stored_fits`` has one of that date already. So a
    run adds a fit only when the fit date moves (var identity_fit_calendar), and a rerun adds
    none without reading the training records; a fit date that cannot be fitted (too few
    records) adds none either, with a warning."""
    fit_date = _fit_date(fit_date)
    if fit_date is None:
        logger.warning("Splink has no fit: there is no fit date (no delivery yet).")
        return FITS_SCHEMA.empty_table()
    if stored_fits is not None and any(
        row["fit_date"] == fit_date for row in _stored_fits(stored_fits)
    ):
        logger.info("Splink: the fit of %s is stored; nothing to fit", fit_date)
        return FITS_SCHEMA.empty_table()
    training = _lazy(training_records).drop("fit_date")
    model_json = fit_match_model(training, session, seed=seed, u_max_pairs=u_max_pairs)
    if model_json is None:
        return FITS_SCHEMA.empty_table()
    return pa.table(
        {
            "fit_date": [fit_date],
            "training_records": [
                _count(training.filter(nw.col("node_type").is_in(SCORED_NODE_TYPES)))
            ],
            "model_json": [model_json],
        },
        schema=FITS_SCHEMA,
    )


def current_fit(fits: Any, fit_date: Any) -> tuple[dt.date, str] | None:
    """The fit date (``fit_date``: int_identity_match_fit_date) and its stored fit
    (model_json), or None with a warning when there is none (too few records to fit, so far)."""
    fit_date = _fit_date(fit_date)
    if fit_date is None:
        logger.warning("Splink scores nothing: there is no fit date (no delivery yet).")
        return None
    for row in _stored_fits(fits):
        if row["fit_date"] == fit_date:
            return fit_date, row["model_json"]
    logger.warning("Splink scores nothing: no fit as of %s.", fit_date)
    return None


# --------------------------------------------------------------------------- scores


def _with_changes(records: nw.LazyFrame, stored_scores: Any) -> nw.LazyFrame | None:
    """``records`` with is_changed: sighted after the latest stored score (_ingested_at), or
    sighted at another time than its stored scores say (a privacy operation rebuilt it). A
    record's pairs may score otherwise only if it changed. None when nothing is stored."""
    stored = _lazy(stored_scores)
    _require(stored, tuple(SCORES_SCHEMA.names), "stored scores")
    latest = stored.select(nw.col("_ingested_at").max()).collect(backend="pyarrow").to_native()
    watermark = latest.column(0)[0].as_py()
    if watermark is None:
        return None
    sightings = (
        nw.concat(
            [
                stored.select(
                    nw.col(f"node_key_{side}").alias("node_key"),
                    nw.col(f"node_{side}_ingested_at").alias("scored_at"),
                )
                for side in ("l", "r")
            ]
        )
        .group_by("node_key")
        .agg(
            nw.col("scored_at").min().alias("scored_first_at"),
            nw.col("scored_at").max().alias("scored_last_at"),
        )
    )
    return (
        records.join(sightings, on="node_key", how="left")
        .with_columns(
            (
                (nw.col("_ingested_at") > nw.lit(watermark))
                | (
                    ~nw.col("scored_first_at").is_null()
                    & (
                        (nw.col("scored_first_at") != nw.col("_ingested_at"))
                        | (nw.col("scored_last_at") != nw.col("_ingested_at"))
                    )
                )
            ).alias("is_changed")
        )
        .drop("scored_first_at", "scored_last_at")
    )


def score_changed_pairs(
    nodes: Any,
    stored_scores: Any | None,
    fits: Any,
    fit_date: Any,
    session: Any,
    *,
    threshold: Any,
    ambiguity: Any,
) -> pa.Table:
    """The rows int_identity_match_scores adds (SCORES_SCHEMA): the pairs of CRM contacts of
    ``nodes`` (int_identity_nodes) scored with the stored fit of the current fit date
    (``fit_date``: int_identity_match_fit_date), from match probability
    :func:`kept_probability`. Without ``stored_scores`` (a first build, a full refresh), or
    when none is of the current fit, every pair; else only the pairs with a changed contact
    (:func:`_with_changes`): every pair whose score may have changed. The model's post-hook
    (macro delete_stale_match_scores) then deletes the scores of another fit, of a contact
    gone, and of a contact sighted at another time than when it was scored, so that one
    current score per pair is left."""
    fit = current_fit(fits, fit_date)
    if fit is None:
        return SCORES_SCHEMA.empty_table()
    fit_date, model_json = fit
    if stored_scores is not None:
        stored_scores = nw.to_native(
            _lazy(stored_scores).filter(nw.col("fit_date") == nw.lit(fit_date))
        )
    scores = score_pairs(
        nodes,
        session,
        model_json,
        min_probability=kept_probability(threshold, ambiguity),
        stored_scores=stored_scores,
    )
    column = SCORES_SCHEMA.get_field_index("fit_date")
    return scores.set_column(
        column,
        SCORES_SCHEMA.field(column),
        pa.array([fit_date] * scores.num_rows, type=pa.date32()),
    )
