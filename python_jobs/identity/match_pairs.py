"""Probabilistic links between identity records (Splink): the model of int_identity_match_pairs.

The dbt Python model ``int_identity_match_pairs`` (models/silver/intermediate/identity/) is a
thin wrapper around :func:`score_match_pairs`. It takes the *native* frame of the records (a
DuckDB relation on dbt-duckdb, a PySpark DataFrame on dbt-databricks; pandas and pyarrow work
too) and the session of the engine, and runs Splink: on Spark where the records are
(``SparkAPI`` on the SparkSession); on DuckDB in an in-memory database of its own
(``DuckDBAPI``), fed the records as Arrow, so that Splink's working tables never touch the
warehouse (dbt-duckdb hands a Python model a connection wrapper Splink does not accept). Only
the scored pairs come back to Python, as an Arrow table of :data:`PAIRS_SCHEMA`;
:func:`to_engine_frame` hands it back to the engine.

Records: one per identity node (the columns of :data:`RECORD_COLUMNS`: int_identity_nodes
joined to int_identity_rule_components). Only CRM contacts (:data:`SCORED_NODE_TYPES`) are
scored: they are the records with a name, and the duplicate contacts the rules cannot link
(another address, no phone) are what Splink is for. Orders and tickets carry only an email
and a phone, which the deterministic rules already compare exactly.

The model (docs/identity_resolution.md, item 4):

* comparisons: first and last name (Jaro-Winkler levels), city, country, the email's local
  part, the phone's national number (exact, then its last 7 digits);
* blocking: last name + city, email local part, the phone's last 7 digits; a pair within
  one rule component (the deterministic rules linked it already) is never scored;
* training without labels: the prior from deterministic rules, u by random sampling with a
  fixed seed, m by expectation maximisation on two blocking rules. The same records give the
  same pairs and scores;
* acceptance: ``match_probability >= threshold`` unless something contradicts one person:
  first or last names more than a typo apart; both phones known and different (a person's
  contacts carry one mobile number: a duplicate has the same one, or none; a family sharing
  an address and a surname has two); or a contact alike to contacts of several other
  components (namesakes in one city: which one would it be?). Measured on the truth file
  (docs/identity_resolution.md), these vetoes are what keep namesakes and families apart.

When Splink cannot train (too few records, no pair to learn from), the result is empty and
a warning says why; no traceback.
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

__all__ = [
    "FITS_SCHEMA",
    "PAIRS_SCHEMA",
    "RECORD_COLUMNS",
    "SCORED_NODE_TYPES",
    "TRAINING_COLUMNS",
    "IdentityMatchError",
    "current_fit",
    "fit_match_model",
    "fit_when_due",
    "identity_records",
    "kept_probability",
    "parse_threshold",
    "score_match_pairs",
    "to_engine_frame",
]

logger = logging.getLogger(__name__)

RECORD_COLUMNS = (
    "node_key",
    "node_type",
    "first_name",
    "last_name",
    "city",
    "country_code",
    "email_normalised",
    "phone_national_number",
    "rule_component_key",
)

# The training records (int_identity_match_training_records): the CRM contacts as they were
# on the fit date, which every row carries.
TRAINING_COLUMNS = (*(c for c in RECORD_COLUMNS if c != "rule_component_key"), "fit_date")

SCORED_NODE_TYPES = ("crm",)

PAIRS_SCHEMA = pa.schema(
    [
        pa.field("node_key_l", pa.string(), nullable=False),
        pa.field("node_key_r", pa.string(), nullable=False),
        pa.field("match_weight", pa.float64(), nullable=False),
        pa.field("match_probability", pa.float64(), nullable=False),
        pa.field("is_accepted", pa.bool_(), nullable=False),
    ]
)

# One row per fit (int_identity_match_models): the fit date, how many records it learnt from,
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
# Acceptance (_accepted_sql): names at most this many edits apart are one name with a typo;
# a contact alike (at this probability) to contacts of several other rule components is
# ambiguous, and none of its pairs is accepted.
TYPO_DISTANCE = 2
AMBIGUITY_PROBABILITY = 0.01
# Kept: the pairs a reader or the acceptance may need, those from the lower of the threshold and
# AMBIGUITY_PROBABILITY (:func:`kept_probability`). At scale 1 that is 281k of the 3.2M pairs
# scored; writing the others took most of the model's time. Splink filters its predictions on
# the match weight: it keeps this much weight below the probability's, and the SQL cuts exactly.
_WEIGHT_MARGIN = 0.01
# Below this many records Splink's estimates mean nothing: no pairs, with a warning.
MIN_RECORDS = 10
# The prior (probability that two random records match) comes from these deterministic rules,
# assumed to find this share of the true matches.
PRIOR_RULES_RECALL = 0.7

# A pair inside one rule component is linked already: never scored.
_OTHER_COMPONENT = "l.rule_component_key <> r.rule_component_key"
_BLOCKING_COLUMNS = (("last_name", "city"), ("email_local",), ("phone_last7",))
# Expectation maximisation learns m on pairs that are mostly matches: the same first and last
# name (trains city, country, email, phone), the same phone (trains the names, city, email).
EM_BLOCKING_COLUMNS = (("email_normalised",), ("phone_national_number",))


class IdentityMatchError(ValueError):
    """The records or the settings cannot be scored; the message says why."""


# --------------------------------------------------------------------------- settings


def parse_threshold(value: Any) -> float:
    """The acceptance threshold as it arrives from dbt (a string once rendered)."""
    try:
        threshold = float(value)
    except (TypeError, ValueError):
        threshold = math.nan
    if not 0.0 < threshold <= 1.0:
        raise IdentityMatchError(
            f"identity_match_threshold must be a probability in (0, 1]; got {value!r} "
            "(set the dbt var identity_match_threshold)."
        )
    return threshold


def kept_probability(threshold: float) -> float:
    """The match probability from which a scored pair is kept: every pair the acceptance
    reads (accepted ones, and those that make a contact ambiguous) and no other."""
    return min(threshold, AMBIGUITY_PROBABILITY)


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


def _scoring_settings(model_json: str) -> dict[str, Any]:
    """Splink's settings to score with a stored fit: the fit (model_json) with this module's
    blocking rules and the columns the acceptance reads (_accepted_sql)."""
    try:
        model = json.loads(model_json)
    except (TypeError, ValueError) as exc:
        raise IdentityMatchError(f"The stored Splink fit is not JSON ({exc}).") from None
    return {
        **model,
        "blocking_rules_to_generate_predictions": [
            " and ".join([*(f"l.{c} = r.{c}" for c in columns), _OTHER_COMPONENT])
            for columns in _BLOCKING_COLUMNS
        ],
        # the predictions keep only the columns the acceptance reads: at scale 1 Splink scores
        # 3.2M pairs, and writing every other compared column too (city, country, email,
        # phone digits; both sides) took most of the model's time in dbt
        "retain_matching_columns": False,
        "additional_columns_to_retain": [
            "rule_component_key",
            "first_name",
            "last_name",
            "phone_national_number",
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


def identity_records(nodes: Any, components: Any) -> Any:
    """The records of :func:`score_match_pairs`: int_identity_nodes with the
    rule_component_key of int_identity_rule_components (native frames of one engine), as a
    native frame of that engine."""
    joined = _lazy(nodes).join(
        _lazy(components).select("node_key", "rule_component_key"), on="node_key", how="inner"
    )
    return nw.to_native(joined)


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
    (names and city lower-cased, the email's local part, the phone's last 7 digits), and the
    rule component when ``columns`` has it."""
    frame = _lazy(records)
    present = set(frame.collect_schema().names())
    missing = [c for c in columns if c not in present]
    if missing:
        raise IdentityMatchError(
            f"The {what} lack the column(s) {', '.join(missing)}; they need {', '.join(columns)}."
        )
    component = ["rule_component_key"] if "rule_component_key" in columns else []
    return (
        frame.filter(nw.col("node_type").is_in(SCORED_NODE_TYPES))
        .select(
            nw.col("node_key").cast(nw.String()),
            nw.col("node_type").cast(nw.String()),
            *(nw.col(name).cast(nw.String()) for name in component),
            _text("first_name", lower=True),
            _text("last_name", lower=True),
            _text("city", lower=True),
            _text("country_code", lower=True),
            _text("email_normalised"),
            _text("phone_national_number"),
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


def _is_spark(session: Any) -> bool:
    return type(session).__module__.startswith("pyspark")


def _db_api(session: Any) -> Any:
    """Splink's API on the engine the session belongs to."""
    if _is_spark(session):
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
    if _is_spark(session) and type(native).__module__.startswith("pyspark"):
        return native
    return records.collect(backend="pyarrow").to_native()


def _empty(reason: str) -> pa.Table:
    logger.warning("int_identity_match_pairs has no pairs: %s", reason)
    return PAIRS_SCHEMA.empty_table()


def score_match_pairs(
    records: Any,
    session: Any,
    threshold: Any,
    *,
    model_json: str | None = None,
    seed: int = SEED,
    u_max_pairs: float = U_MAX_PAIRS,
    min_probability: float | None = None,
) -> pa.Table:
    """Score the pairs of records the rules left apart; one row per pair kept (PAIRS_SCHEMA),
    node_key_l < node_key_r, in no particular order.

    ``records``: the identity records (RECORD_COLUMNS), native to the engine of ``session``
    (a DuckDB connection or a SparkSession). ``threshold``: the match probability from which
    a pair is accepted (unless a veto applies). ``model_json``: a stored fit
    (:func:`fit_match_model`) to score with; without one, Splink learns from ``records``
    first (``seed``, ``u_max_pairs``). ``min_probability``: the pairs kept, from this match
    probability; by default :func:`kept_probability` (0 keeps every scored pair).
    """
    from splink import Linker

    threshold = parse_threshold(threshold)
    keep = kept_probability(threshold) if min_probability is None else min_probability
    scored = _scored_records(records)
    n_records = _count(scored)
    if model_json is None:
        if n_records < MIN_RECORDS:
            return _empty(
                f"only {n_records} CRM contact record(s), fewer than the {MIN_RECORDS} "
                "the model needs to estimate anything."
            )
        model_json = fit_match_model(
            scored.drop("rule_component_key"), session, seed=seed, u_max_pairs=u_max_pairs
        )
        if model_json is None:
            return _empty("Splink could not learn from these records (warning above).")
    if n_records < 2:
        return _empty(f"only {n_records} CRM contact record(s): no pair to score.")
    started = time.monotonic()
    logger.info("Splink: scoring %d CRM contact records", n_records)
    db_api = _db_api(session)
    input_table = db_api.register(_native_for(scored, session))
    linker = Linker(input_table, _scoring_settings(model_json), log_level=None)
    try:
        predictions = linker.inference.predict(
            threshold_match_weight=_weight(keep) - _WEIGHT_MARGIN if keep > 0 else None,
            warning_mode="never",
        )
        pairs = predictions.query_sql(_accepted_sql(threshold, keep)).as_pyarrow_table()
    finally:
        linker.table_management.delete_tables_created_by_splink_from_db()
        input_table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    result = _pairs_table(pairs)
    logger.info(
        "Splink: %d pairs kept (match probability >= %s), %d accepted at >= %s (%.1f s)",
        result.num_rows,
        keep,
        sum(result.column("is_accepted").to_pylist()),
        threshold,
        time.monotonic() - started,
    )
    return result


def fit_match_model(
    records: Any, session: Any, *, seed: int = SEED, u_max_pairs: float = U_MAX_PAIRS
) -> str | None:
    """Train Splink on ``records`` (CRM contacts with the comparison columns: TRAINING_COLUMNS
    less fit_date; native to the engine of ``session``): the fitted model as Splink's JSON
    (the prior and each comparison's m and u), or None with a warning when it cannot learn
    (too few records, no pair to learn from). The same records give the same fit."""
    from splink import Linker
    from splink.internals.exceptions import SplinkException

    training = _scored_records(records, TRAINING_COLUMNS[:-1], "training records")
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


def _accepted_sql(threshold: float, keep: float) -> str:
    """The scored pairs from match probability ``keep`` with is_accepted (the same SQL on
    DuckDB and Spark). A pair is accepted at the threshold when nothing contradicts one
    person: the first names and the last names are at most a typo apart (TYPO_DISTANCE), the
    phones, if both are known, are equal, and neither contact is ambiguous: alike
    (AMBIGUITY_PROBABILITY) with contacts of more than one other rule component (two
    namesakes in one city, say). One row per pair, node_key_l < node_key_r, unsorted: a
    table has no order, and sorting 3.2M pairs took a sixth of Splink's time at scale 1."""
    different_phones = "phone_national_number_l <> phone_national_number_r"
    typo = (
        f"levenshtein(first_name_l, first_name_r) <= {TYPO_DISTANCE}"
        f" and levenshtein(last_name_l, last_name_r) <= {TYPO_DISTANCE}"
    )
    return f"""
        with candidates as (
            select node_key_l as node_key, rule_component_key_r as other_component
            from {{this}}
            where match_probability >= {AMBIGUITY_PROBABILITY!r}
            union all
            select node_key_r as node_key, rule_component_key_l as other_component
            from {{this}}
            where match_probability >= {AMBIGUITY_PROBABILITY!r}
        ),

        ambiguous as (
            select node_key
            from candidates
            group by node_key
            having count(distinct other_component) > 1
        )

        select
            least(pairs.node_key_l, pairs.node_key_r) as node_key_l,
            greatest(pairs.node_key_l, pairs.node_key_r) as node_key_r,
            cast(pairs.match_weight as double) as match_weight,
            cast(pairs.match_probability as double) as match_probability,
            pairs.match_probability >= {threshold!r}
                and coalesce({typo}, false)
                and not coalesce({different_phones}, false)
                and ambiguous_l.node_key is null
                and ambiguous_r.node_key is null as is_accepted
        from {{this}} as pairs
        left join ambiguous as ambiguous_l on pairs.node_key_l = ambiguous_l.node_key
        left join ambiguous as ambiguous_r on pairs.node_key_r = ambiguous_r.node_key
        where pairs.match_probability >= {keep!r}
    """


def _pairs_table(pairs: pa.Table) -> pa.Table:
    """The pairs of _accepted_sql (node_key_l < node_key_r) in PAIRS_SCHEMA."""
    return pairs.select(PAIRS_SCHEMA.names).cast(PAIRS_SCHEMA)


# --------------------------------------------------------------------------- fits


def _fit_date(training_records: Any) -> dt.date | None:
    """The fit date the training records carry (one for all), or None when there are none."""
    frame = _lazy(training_records)
    if "fit_date" not in frame.collect_schema().names():
        raise IdentityMatchError("The training records lack the column fit_date.")
    table = frame.select(nw.col("fit_date").max()).collect(backend="pyarrow").to_native()
    return table.column(0)[0].as_py()


def _stored_fits(fits: Any) -> list[dict[str, Any]]:
    frame = _lazy(fits)
    missing = [c for c in FITS_SCHEMA.names if c not in frame.collect_schema().names()]
    if missing:
        raise IdentityMatchError(f"The stored fits lack the column(s) {', '.join(missing)}.")
    return frame.select(*FITS_SCHEMA.names).collect(backend="pyarrow").to_native().to_pylist()


def fit_when_due(
    training_records: Any,
    stored_fits: Any | None,
    session: Any,
    *,
    seed: int = SEED,
    u_max_pairs: float = U_MAX_PAIRS,
) -> pa.Table:
    """The rows int_identity_match_models adds (FITS_SCHEMA): the fit of the training records
    (TRAINING_COLUMNS: the CRM contacts as they were on their fit date), unless
    ``stored_fits`` has one of that date already. So a run adds a fit only when the fit date
    moves (var identity_fit_calendar), and a rerun adds none; a fit date that cannot be fitted
    (too few records) adds none either, with a warning."""
    fit_date = _fit_date(training_records)
    if fit_date is None:
        logger.warning("Splink has no fit: there are no training records (no CRM contact yet).")
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


def current_fit(fits: Any, training_records: Any) -> str | None:
    """The stored fit (its model_json) of the training records' fit date, or None with a
    warning when there is none (too few records to fit, so far)."""
    fit_date = _fit_date(training_records)
    for row in _stored_fits(fits):
        if row["fit_date"] == fit_date:
            return row["model_json"]
    logger.warning("int_identity_match_pairs has no pairs: no Splink fit as of %s.", fit_date)
    return None


# --------------------------------------------------------------------------- output


def to_engine_frame(table: pa.Table, session: Any) -> Any:
    """``table`` in the form the session's engine writes best: a Spark DataFrame for a
    SparkSession, else (the DuckDB connection on dbt-duckdb) the Arrow table itself."""
    if _is_spark(session):
        return session.createDataFrame(table)
    return table
