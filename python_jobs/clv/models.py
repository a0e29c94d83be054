"""Engine-agnostic glue between the dbt Python models and the CLV maths.

The dbt models ``clv_model_fits`` and ``customer_clv`` (models/gold/ml/) are thin wrappers
around :func:`fit_when_due` (hence :func:`fit_models`) and :func:`score_customers`. Both take
the *native* frame that ``dbt.ref`` returns: a DuckDB relation on dbt-duckdb, a PySpark
DataFrame on dbt-databricks (pandas and pyarrow frames work too, for tests). Narwhals
aggregates and selects in the engine; only the columns the maths needs are collected (as
Arrow) to the Python process. Both return pandas DataFrames with Arrow dtypes (exact column
types of FITS_SCHEMA / CLV_SCHEMA, NULL as pd.NA); :func:`result_frame` turns them into an
Arrow table (DuckDB) or a Spark DataFrame.

Input: the ``customer_purchase_summary`` model, one row per customer with >= 1 purchase and
the columns of :data:`SUMMARY_COLUMNS` (frequency = repeat purchase days, recency and t in the
time unit, monetary_value = mean value of the repeat purchases, 0 when none).

Policies:

* CLV is refitted on a schedule (:func:`fit_when_due`): clv_model_fits keeps one row per fit,
  and a run adds one only when no fit exists as of the summary's as-of date or before, when
  the latest of those is ``refit_every_days`` or more older, or when it was made on another
  time unit; a full refresh always fits. Between refits :func:`score_customers` scores with the
  latest usable fit made as of the summary's as-of date or before, and says which.
* A fit that does not converge is still written (``*_converged`` false, optimiser message in
  ``*_message``) with a logged warning; :func:`score_customers` uses the latest earlier fit
  that converged instead (with a warning). When there is none (too few customers or repeat
  purchases to identify the parameters: a new shop) it scores nobody, with a warning that
  says why: customer_clv is left empty, the rest of the build goes on, and the data test
  assert_customer_clv_scores_every_customer counts a WARN until a fit converges.
* No customer with a repeat purchase and a positive spend: the Gamma-Gamma columns are NULL
  and ``gg_converged`` is false. :func:`score_customers` then uses, for every customer, the
  empirical mean of monetary_value over the customers with a repeat purchase (0 when all of
  them spent 0; NULL, and so a NULL clv, when nobody has a repeat purchase), with a warning.
  A model-based spend needs a Gamma-Gamma fit; this fallback keeps the purchase predictions
  usable without inventing a spend.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd
import pyarrow as pa

from python_jobs.warehouse import to_engine_frame

from . import bgnbd, gamma_gamma, lifetime_value
from .errors import (
    ClvInputError,
    EmptyInputError,
    InvalidInputError,
    NoRepeatCustomersError,
)

__all__ = [
    "CLV_SCHEMA",
    "FITS_SCHEMA",
    "SUMMARY_COLUMNS",
    "fit_models",
    "fit_when_due",
    "parse_refit_every_days",
    "parse_settings",
    "result_frame",
    "score_customers",
]

logger = logging.getLogger(__name__)

SUMMARY_COLUMNS = (
    "customer_id",
    "frequency",
    "recency",
    "t",
    "monetary_value",
    "time_unit",
    "as_of_date",
)

FITS_SCHEMA = pa.schema(
    [
        pa.field("fit_id", pa.string(), nullable=False),
        pa.field("fitted_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("as_of_date", pa.date32(), nullable=False),
        pa.field("time_unit", pa.string(), nullable=False),
        pa.field("n_customers", pa.int64(), nullable=False),
        pa.field("n_repeat_customers", pa.int64(), nullable=False),
        pa.field("bgnbd_r", pa.float64()),
        pa.field("bgnbd_alpha", pa.float64()),
        pa.field("bgnbd_a", pa.float64()),
        pa.field("bgnbd_b", pa.float64()),
        pa.field("bgnbd_log_likelihood", pa.float64()),
        pa.field("bgnbd_converged", pa.bool_(), nullable=False),
        pa.field("bgnbd_message", pa.string()),
        pa.field("gg_n_customers", pa.int64(), nullable=False),
        pa.field("gg_p", pa.float64()),
        pa.field("gg_q", pa.float64()),
        pa.field("gg_gamma", pa.float64()),
        pa.field("gg_log_likelihood", pa.float64()),
        pa.field("gg_converged", pa.bool_(), nullable=False),
        pa.field("gg_message", pa.string()),
    ]
)

CLV_SCHEMA = pa.schema(
    [
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("probability_alive", pa.float64()),
        pa.field("expected_purchases", pa.float64()),
        pa.field("expected_average_spend", pa.float64()),
        pa.field("clv", pa.float64()),
        pa.field("horizon_periods", pa.int64(), nullable=False),
        pa.field("time_unit", pa.string(), nullable=False),
        pa.field("as_of_date", pa.date32(), nullable=False),
        pa.field("fit_id", pa.string(), nullable=False),
        pa.field("fit_as_of_date", pa.date32(), nullable=False),
    ]
)


# --------------------------------------------------------------------------- frames


def _lazy(native: Any, what: str) -> nw.LazyFrame:
    try:
        frame = nw.from_native(native)
    except TypeError as exc:
        raise InvalidInputError(
            f"{what} must be a DuckDB relation, a Spark, pandas or pyarrow DataFrame; got "
            f"{type(native).__name__}."
        ) from exc
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def _require_columns(frame: nw.LazyFrame, columns: tuple[str, ...], what: str) -> None:
    present = set(frame.collect_schema().names())
    missing = [c for c in columns if c not in present]
    if missing:
        raise InvalidInputError(
            f"{what} lacks the column(s) {', '.join(missing)}; it needs {', '.join(columns)}."
        )


def _collect(frame: nw.LazyFrame) -> pa.Table:
    return frame.collect(backend="pyarrow").to_native()


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def _is_empty(frame: nw.LazyFrame) -> bool:
    return int(_collect(frame.select(nw.len().alias("n"))).to_pylist()[0]["n"]) == 0


def _empty(schema: pa.Schema) -> pd.DataFrame:
    """Zero rows with the exact column types: an empty input gives an empty table."""
    return schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype)


def _summary_header(frame: nw.LazyFrame) -> tuple[int, str, dt.date]:
    """Row count, the single time unit and the single as-of date of a summary."""
    stats = _collect(
        frame.select(
            nw.len().alias("n"),
            nw.col("time_unit").min().alias("unit_min"),
            nw.col("time_unit").max().alias("unit_max"),
            nw.col("as_of_date").min().alias("end_min"),
            nw.col("as_of_date").max().alias("end_max"),
        )
    ).to_pylist()[0]
    n = int(stats["n"])
    if n == 0:
        raise EmptyInputError(
            "customer_purchase_summary has no rows, so there is no customer to fit or score; "
            "build the sales models first and check the as_of_date var."
        )
    if stats["unit_min"] is None:
        raise InvalidInputError(
            "customer_purchase_summary has a NULL time_unit; every row needs 'day' or 'week'."
        )
    if stats["unit_min"] != stats["unit_max"]:
        raise InvalidInputError(
            f"customer_purchase_summary mixes time units ({stats['unit_min']!r} .. "
            f"{stats['unit_max']!r}); all rows must use the one btyd_time_unit."
        )
    if stats["end_min"] is None or _to_date(stats["end_min"]) != _to_date(stats["end_max"]):
        raise InvalidInputError(
            f"customer_purchase_summary has several as-of dates "
            f"({stats['end_min']} .. {stats['end_max']}); all rows must share one."
        )
    return n, str(stats["unit_min"]), _to_date(stats["end_min"])


# --------------------------------------------------------------------------- fitting


def _fit_id(end_date: dt.date, time_unit: str, counts: pd.DataFrame, spend: pd.DataFrame) -> str:
    """clv-<as-of yyyymmdd>-<unit>-<hash of the fitted data>: the same data, the same id.

    The hash covers the sorted aggregates both models are fitted on, so a rebuild on
    unchanged data (on any engine) reproduces the id and customer_clv stays identical;
    only fitted_at records when the fit ran.
    """
    digest = hashlib.sha256(f"{end_date:%Y-%m-%d}|{time_unit}".encode())
    for frame, columns in (
        (counts, ("frequency", "recency", "t", "n_rows")),
        (spend, ("frequency", "monetary_value", "n_rows")),
    ):
        for column in columns:
            values = np.ascontiguousarray(frame[column].to_numpy(dtype="<f8"))
            digest.update(values.tobytes())
    return f"clv-{end_date:%Y%m%d}-{time_unit}-{digest.hexdigest()[:16]}"


def fit_models(summary: Any, *, fitted_at: dt.datetime | None = None) -> pd.DataFrame:
    """Fit BG/NBD and Gamma-Gamma on a purchase summary; one row per fit (FITS_SCHEMA).

    Only aggregates leave the engine: distinct (frequency, recency, t) with counts for
    BG/NBD, distinct (frequency, monetary_value) of repeat customers with counts for
    Gamma-Gamma. Rows are sorted before fitting so every engine gives the same numbers.
    """
    frame = _lazy(summary, "customer_purchase_summary")
    _require_columns(frame, SUMMARY_COLUMNS, "customer_purchase_summary")
    if _is_empty(frame):
        logger.warning(
            "customer_purchase_summary has no rows (no customer has a purchase up to the "
            "as-of date): no fit is added to clv_model_fits."
        )
        return _empty(FITS_SCHEMA)
    n_customers, time_unit, end_date = _summary_header(frame)
    fitted_at = fitted_at or dt.datetime.now(dt.UTC)
    if fitted_at.tzinfo is None:
        fitted_at = fitted_at.replace(tzinfo=dt.UTC)
    counts, bg_row = _fit_bgnbd(frame)
    spend, gg_row = _fit_gamma_gamma(frame, n_customers)
    row = {
        "fit_id": _fit_id(end_date, time_unit, counts, spend),
        "fitted_at": fitted_at.astimezone(dt.UTC),
        "as_of_date": end_date,
        "time_unit": time_unit,
        "n_customers": n_customers,
        **bg_row,
        **gg_row,
    }
    return _arrow_backed(pa.Table.from_pylist([row], schema=FITS_SCHEMA))


def _fit_bgnbd(frame: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    """BG/NBD on the distinct (frequency, recency, t) of the summary, with their counts:
    the sorted aggregates and the fit's columns of FITS_SCHEMA (and n_repeat_customers)."""
    counts = _collect(
        frame.group_by("frequency", "recency", "t").agg(nw.len().alias("n_rows"))
    ).to_pandas()
    counts = counts.sort_values(["frequency", "recency", "t"], kind="stable")
    if counts[["frequency", "recency", "t"]].isna().to_numpy().any():
        raise InvalidInputError(
            "customer_purchase_summary has NULL frequency, recency or t; every customer needs "
            "all three."
        )
    bg_fit = bgnbd.fit_bgnbd(
        counts["frequency"].to_numpy(dtype=float),
        counts["recency"].to_numpy(dtype=float),
        counts["t"].to_numpy(dtype=float),
        weights=counts["n_rows"].to_numpy(dtype=float),
    )
    n_repeat = int(counts.loc[counts["frequency"] > 0, "n_rows"].sum())
    if not bg_fit.converged:
        logger.warning("BG/NBD fit %s", bg_fit.message)
    return counts, {
        "n_repeat_customers": n_repeat,
        "bgnbd_r": bg_fit.params.r,
        "bgnbd_alpha": bg_fit.params.alpha,
        "bgnbd_a": bg_fit.params.a,
        "bgnbd_b": bg_fit.params.b,
        "bgnbd_log_likelihood": bg_fit.log_likelihood,
        "bgnbd_converged": bg_fit.converged,
        "bgnbd_message": bg_fit.message,
    }


def _fit_gamma_gamma(frame: Any, n_customers: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Gamma-Gamma on the distinct (frequency, monetary_value) of the repeat customers with a
    positive spend, with their counts: the sorted aggregates and the fit's columns of
    FITS_SCHEMA (NULL, not converged, when there is no such customer)."""
    spend = _collect(
        frame.filter((nw.col("frequency") > 0) & (nw.col("monetary_value") > 0))
        .group_by("frequency", "monetary_value")
        .agg(nw.len().alias("n_rows"))
    ).to_pandas()
    spend = spend.sort_values(["frequency", "monetary_value"], kind="stable")
    try:
        if spend.empty:
            raise NoRepeatCustomersError("no repeat purchase with a positive monetary value")
        gg_fit = gamma_gamma.fit_gamma_gamma(
            spend["frequency"].to_numpy(dtype=float),
            spend["monetary_value"].to_numpy(dtype=float),
            weights=spend["n_rows"].to_numpy(dtype=float),
        )
    except NoRepeatCustomersError:
        message = (
            f"not fitted: none of the {n_customers} customers has a repeat purchase with a "
            "positive monetary value"
        )
        logger.warning(
            "Gamma-Gamma model not fitted (%s); its columns are NULL and customer_clv will use "
            "the mean monetary value of the repeat customers as expected spend.",
            message,
        )
        return spend, {
            "gg_n_customers": 0,
            "gg_p": None,
            "gg_q": None,
            "gg_gamma": None,
            "gg_log_likelihood": None,
            "gg_converged": False,
            "gg_message": message,
        }
    if not gg_fit.converged:
        logger.warning("Gamma-Gamma fit %s", gg_fit.message)
    return spend, {
        "gg_n_customers": gg_fit.n_customers,
        "gg_p": gg_fit.params.p,
        "gg_q": gg_fit.params.q,
        "gg_gamma": gg_fit.params.gamma,
        "gg_log_likelihood": gg_fit.log_likelihood,
        "gg_converged": gg_fit.converged,
        "gg_message": gg_fit.message,
    }


# --------------------------------------------------------------------------- schedule


def parse_refit_every_days(refit_every_days: Any) -> int:
    """The refit interval as an int >= 1 (it arrives as a string from dbt's config.meta)."""
    try:
        days = float(refit_every_days)
    except (TypeError, ValueError):
        days = float("nan")
    if not (np.isfinite(days) and days >= 1 and days == round(days)):
        raise InvalidInputError(
            f"clv_refit_every_days must be a whole number of days >= 1, got "
            f"{refit_every_days!r}; set the dbt var clv_refit_every_days (models/gold/ml/"
            "_ml__clv.yml copies it into config.meta of clv_model_fits)."
        )
    return round(days)


def _fit_rows(fits: Any) -> list[dict[str, Any]]:
    frame = _lazy(fits, "clv_model_fits")
    _require_columns(frame, tuple(FITS_SCHEMA.names), "clv_model_fits")
    return _collect(frame).to_pylist()


def _newest_first(rows: list[dict[str, Any]], as_of: dt.date) -> list[dict[str, Any]]:
    """The fits made as of ``as_of`` or before, the latest first (by as_of_date, then fitted_at
    and fit_id): a fit made on later data is never used for an earlier as-of date."""
    earlier = [r for r in rows if _to_date(r["as_of_date"]) <= as_of]
    return sorted(
        earlier,
        key=lambda r: (_to_date(r["as_of_date"]), r["fitted_at"], r["fit_id"]),
        reverse=True,
    )


def _refit_reason(
    rows: list[dict[str, Any]], as_of: dt.date, time_unit: str, every_days: int
) -> str | None:
    """Why a fit is due on a summary as of ``as_of`` given the earlier fits, or None."""
    newest = _newest_first(rows, as_of)
    if not newest:
        return f"clv_model_fits has no fit as of {as_of} or before"
    latest = newest[0]
    if latest["time_unit"] != time_unit:
        return (
            f"the latest fit {latest['fit_id']} is in {latest['time_unit']!r}, the summary in "
            f"{time_unit!r}"
        )
    age = (as_of - _to_date(latest["as_of_date"])).days
    if age >= every_days:
        return (
            f"the latest fit {latest['fit_id']} is {age} days older than the summary "
            f"(clv_refit_every_days = {every_days})"
        )
    return None


def fit_when_due(
    summary: Any,
    previous_fits: Any | None,
    refit_every_days: Any,
    *,
    fitted_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """The rows to add to clv_model_fits: the fit of ``summary`` when one is due, else none.

    ``previous_fits`` is the table's current content, or None on its first build and on a full
    refresh (both always fit). Otherwise a fit is due when no fit was made as of the summary's
    as-of date or before, when the latest of those is ``refit_every_days`` days or more older,
    or when it is in another time unit. A run that is not due adds no row, so a rerun without
    new data changes nothing.
    """
    every_days = parse_refit_every_days(refit_every_days)
    if previous_fits is None:
        return fit_models(summary, fitted_at=fitted_at)
    rows = _fit_rows(previous_fits)
    frame = _lazy(summary, "customer_purchase_summary")
    _require_columns(frame, SUMMARY_COLUMNS, "customer_purchase_summary")
    if _is_empty(frame):
        return fit_models(summary, fitted_at=fitted_at)  # empty, with its warning
    _, time_unit, as_of = _summary_header(frame)
    reason = _refit_reason(rows, as_of, time_unit, every_days)
    if reason is None:
        logger.info(
            "No CLV refit as of %s: the latest fit is less than %d days older "
            "(clv_refit_every_days); clv_model_fits is unchanged.",
            as_of,
            every_days,
        )
        return _empty(FITS_SCHEMA)
    logger.info("CLV refit as of %s: %s.", as_of, reason)
    return fit_models(summary, fitted_at=fitted_at)


# --------------------------------------------------------------------------- scoring


def parse_settings(horizon_periods: Any, annual_discount_rate: Any) -> tuple[int, float]:
    """Validate the two CLV settings as they arrive from dbt (strings once rendered)."""
    if horizon_periods is None or annual_discount_rate is None:
        raise InvalidInputError(
            "customer_clv needs config.meta clv_horizon_periods and clv_annual_discount_rate "
            "(set from the dbt vars of the same names in models/gold/ml/_ml__clv.yml)."
        )
    return (
        lifetime_value.check_horizon(horizon_periods),
        lifetime_value.check_annual_discount_rate(annual_discount_rate),
    )


def _not_converged_reason(message: Any) -> str:
    text = str(message or "").strip()
    if not text.startswith("did not converge"):
        text = f"did not converge ({text or 'no message'})."
    return text


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _refusal(fit: dict[str, Any]) -> str | None:
    """Why customers must not be scored with ``fit``, or None when it is usable (a missing
    Gamma-Gamma fit is usable: the spend falls back to the repeat customers' mean)."""
    if not fit["bgnbd_converged"]:
        return f"the BG/NBD fit {fit['fit_id']} {_not_converged_reason(fit['bgnbd_message'])}"
    if not fit["gg_converged"] and not _is_null(fit["gg_p"]):
        return f"the Gamma-Gamma fit {fit['fit_id']} {_not_converged_reason(fit['gg_message'])}"
    return None


def _scoring_fit(fits: Any, as_of: dt.date, time_unit: str) -> dict[str, Any] | None:
    """The latest usable fit made as of ``as_of`` or before, in ``time_unit``; None, with a
    warning that gives the latest fit's reason, when no such fit converged.

    Raises when clv_model_fits is empty or holds only later fits, and when the fit is in
    another time unit."""
    rows = _fit_rows(fits)
    if not rows:
        raise EmptyInputError(
            "clv_model_fits has no row; build it (dbt build -s clv_model_fits) before customer_clv."
        )
    newest = _newest_first(rows, as_of)
    if not newest:
        raise InvalidInputError(
            f"Every fit in clv_model_fits was made as of a later date than the purchase "
            f"summary ({as_of}); rebuild clv_model_fits with --full-refresh to fit as of it."
        )
    fit = next((r for r in newest if _refusal(r) is None), None)
    if fit is None:
        logger.warning(
            "customer_clv scores nobody: %s, and no earlier fit converged. A refit on more "
            "history (the next one due, or dbt build -s clv_model_fits --full-refresh) may "
            "converge. Inspect clv_model_fits.",
            _refusal(newest[0]).rstrip("."),
        )
        return None
    if fit is not newest[0]:
        logger.warning(
            "The latest CLV fit %s cannot be used (%s); customer_clv scores with the latest "
            "fit that converged, %s (as of %s).",
            newest[0]["fit_id"],
            _refusal(newest[0]),
            fit["fit_id"],
            _to_date(fit["as_of_date"]),
        )
    if fit["time_unit"] != time_unit:
        raise InvalidInputError(
            f"The CLV fit {fit['fit_id']} was made on time unit {fit['time_unit']!r}, but the "
            f"purchase summary has {time_unit!r}; rebuild clv_model_fits first (a new time "
            "unit makes a refit due)."
        )
    return fit


def score_customers(
    summary: Any,
    fits: Any,
    horizon_periods: Any,
    annual_discount_rate: Any,
) -> pd.DataFrame:
    """Per-customer P(alive), expected purchases, expected spend and CLV (CLV_SCHEMA).

    Uses the latest fit of ``fits`` made as of the summary's as-of date or before that
    converged (an unconverged later one is skipped with a warning); fit_id and fit_as_of_date
    say which. Scores nobody (an empty frame, with a warning) when none converged. Raises
    :class:`InvalidInputError` when the fit is in another time unit than ``summary``.
    """
    horizon, rate = parse_settings(horizon_periods, annual_discount_rate)
    frame = _lazy(summary, "customer_purchase_summary")
    _require_columns(frame, SUMMARY_COLUMNS, "customer_purchase_summary")
    if _is_empty(frame):
        logger.warning("customer_purchase_summary has no rows: customer_clv is left empty.")
        return _empty(CLV_SCHEMA)
    _, time_unit, as_of = _summary_header(frame)
    fit = _scoring_fit(fits, as_of, time_unit)
    if fit is None:
        return _empty(CLV_SCHEMA)
    gg_missing = _is_null(fit["gg_p"])
    customers = (
        _collect(frame.select("customer_id", "frequency", "recency", "t", "monetary_value"))
        .to_pandas()
        .sort_values("customer_id", kind="stable")
        .reset_index(drop=True)
    )
    if customers["customer_id"].isna().any():
        raise InvalidInputError("customer_purchase_summary has a NULL customer_id.")
    x = customers["frequency"].to_numpy(dtype=float)
    tx = customers["recency"].to_numpy(dtype=float)
    age = customers["t"].to_numpy(dtype=float)

    bg_params = bgnbd.BgNbdParams(
        r=fit["bgnbd_r"], alpha=fit["bgnbd_alpha"], a=fit["bgnbd_a"], b=fit["bgnbd_b"]
    )
    p_alive = bgnbd.probability_alive(bg_params, x, tx, age)
    d_u = lifetime_value.per_period_discount_rate(rate, time_unit)
    expected, discounted = lifetime_value.discounted_expected_purchases(
        bg_params, x, tx, age, horizon_periods=horizon, period_discount_rate=d_u
    )
    spend = _expected_spend(fit, gg_missing, x, customers["monetary_value"].to_numpy(dtype=float))

    n = x.size
    columns = {
        "customer_id": pa.array(customers["customer_id"].astype(str).to_numpy(), pa.string()),
        "probability_alive": pa.array(p_alive, pa.float64(), from_pandas=True),
        "expected_purchases": pa.array(expected, pa.float64(), from_pandas=True),
        "expected_average_spend": pa.array(spend, pa.float64(), from_pandas=True),
        "clv": pa.array(spend * discounted, pa.float64(), from_pandas=True),
        "horizon_periods": pa.array(np.full(n, horizon, dtype=np.int64)),
        "time_unit": pa.array([time_unit] * n, pa.string()),
        "as_of_date": pa.array([as_of] * n, pa.date32()),
        "fit_id": pa.array([fit["fit_id"]] * n, pa.string()),
        "fit_as_of_date": pa.array([_to_date(fit["as_of_date"])] * n, pa.date32()),
    }
    return _arrow_backed(pa.table(columns, schema=CLV_SCHEMA))


def _expected_spend(
    fit: dict[str, Any], gg_missing: bool, x: np.ndarray, m: np.ndarray
) -> np.ndarray:
    """Each customer's expected average spend: Gamma-Gamma's conditional expectation, or,
    without a Gamma-Gamma fit, the mean monetary value of the repeat customers (NaN when
    there is none) for every customer, with a warning."""
    if not gg_missing:
        gg_params = gamma_gamma.GammaGammaParams(
            p=fit["gg_p"], q=fit["gg_q"], gamma=fit["gg_gamma"]
        )
        return gamma_gamma.conditional_expected_average_spend(gg_params, x, m)
    repeat = x > 0
    fallback = float(np.mean(m[repeat])) if repeat.any() else np.nan
    logger.warning(
        "No Gamma-Gamma fit in %s (%s): expected_average_spend is the mean monetary value "
        "of the %d customers with a repeat purchase (%s) for every customer.",
        fit["fit_id"],
        fit["gg_message"],
        int(repeat.sum()),
        "none: spend and clv are NULL" if np.isnan(fallback) else f"{fallback:.4g}",
    )
    return np.full(x.size, fallback)


# --------------------------------------------------------------------------- output


def _arrow_backed(table: pa.Table) -> pd.DataFrame:
    """pandas with Arrow dtypes: exact types (dates, UTC timestamps) and real NULLs (pd.NA)."""
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def result_frame(frame: pd.DataFrame, session: Any, schema: pa.Schema) -> Any:
    """A CLV model's result ``frame`` with ``schema``'s types, in the form the session's engine
    writes best (python_jobs.warehouse.to_engine_frame: a Spark DataFrame on a SparkSession,
    else a pyarrow Table). NaN becomes NULL; a frame that does not match the schema stops with
    a sentence."""
    try:
        table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, KeyError) as exc:
        raise ClvInputError(f"The result does not match its declared columns: {exc}") from exc
    return to_engine_frame(table, session)
