"""Engine-agnostic glue between the dbt Python models and the CLV maths.

The dbt models ``clv_model_fits`` and ``customer_clv`` (models/gold/ml/) are thin wrappers
around :func:`fit_models` and :func:`score_customers`. Both take the *native* frame that
``dbt.ref`` returns: a DuckDB relation on dbt-duckdb, a PySpark DataFrame on dbt-databricks
(pandas and pyarrow frames work too, for tests). Narwhals aggregates and selects in the engine;
only the columns the maths needs are collected (as Arrow) to the Python process. Both return
pandas DataFrames with Arrow dtypes (exact column types of FITS_SCHEMA / CLV_SCHEMA, NULL as
pd.NA); :func:`to_engine_frame` turns them into an Arrow table (DuckDB) or a Spark DataFrame.

Input: the ``customer_purchase_summary`` model, one row per customer with >= 1 purchase and
the columns of :data:`SUMMARY_COLUMNS` (frequency = repeat purchase days, recency and t in the
time unit, monetary_value = mean value of the repeat purchases, 0 when none).

Policies:

* A fit that does not converge is still written (``*_converged`` false, optimiser message in
  ``*_message``) with a logged warning; :func:`score_customers` refuses to use it.
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

from . import bgnbd, gamma_gamma, lifetime_value
from .errors import (
    ClvInputError,
    EmptyInputError,
    FitNotConvergedError,
    InvalidInputError,
    NoRepeatCustomersError,
)

__all__ = [
    "CLV_SCHEMA",
    "FITS_SCHEMA",
    "SUMMARY_COLUMNS",
    "fit_models",
    "parse_settings",
    "score_customers",
    "to_engine_frame",
]

logger = logging.getLogger(__name__)

SUMMARY_COLUMNS = (
    "customer_id",
    "frequency",
    "recency",
    "t",
    "monetary_value",
    "time_unit",
    "observation_end_date",
)

FITS_SCHEMA = pa.schema(
    [
        pa.field("fit_id", pa.string(), nullable=False),
        pa.field("fitted_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("observation_end_date", pa.date32(), nullable=False),
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
        pa.field("observation_end_date", pa.date32(), nullable=False),
        pa.field("fit_id", pa.string(), nullable=False),
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
    """Row count, the single time unit and the single observation end date of a summary."""
    stats = _collect(
        frame.select(
            nw.len().alias("n"),
            nw.col("time_unit").min().alias("unit_min"),
            nw.col("time_unit").max().alias("unit_max"),
            nw.col("observation_end_date").min().alias("end_min"),
            nw.col("observation_end_date").max().alias("end_max"),
        )
    ).to_pylist()[0]
    n = int(stats["n"])
    if n == 0:
        raise EmptyInputError(
            "customer_purchase_summary has no rows, so there is no customer to fit or score; "
            "build the sales models first and check the observation_end_date var."
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
            f"customer_purchase_summary has several observation end dates "
            f"({stats['end_min']} .. {stats['end_max']}); all rows must share one."
        )
    return n, str(stats["unit_min"]), _to_date(stats["end_min"])


# --------------------------------------------------------------------------- fitting


def _fit_id(end_date: dt.date, time_unit: str, counts: pd.DataFrame, spend: pd.DataFrame) -> str:
    """clv-<end yyyymmdd>-<unit>-<hash of the fitted data>: the same data, the same id.

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
            "observation end): clv_model_fits is left empty."
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
        "observation_end_date": end_date,
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


def _latest_fit(fits: Any) -> dict[str, Any]:
    frame = _lazy(fits, "clv_model_fits")
    _require_columns(frame, tuple(FITS_SCHEMA.names), "clv_model_fits")
    table = _collect(frame)
    if table.num_rows == 0:
        raise EmptyInputError(
            "clv_model_fits has no row; build it (dbt build -s clv_model_fits) before customer_clv."
        )
    rows = table.to_pylist()
    return max(rows, key=lambda r: (r["fitted_at"], r["fit_id"]))


def _not_converged_reason(message: Any) -> str:
    text = str(message or "").strip()
    if not text.startswith("did not converge"):
        text = f"did not converge ({text or 'no message'})."
    return text


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def score_customers(
    summary: Any,
    fits: Any,
    horizon_periods: Any,
    annual_discount_rate: Any,
) -> pd.DataFrame:
    """Per-customer P(alive), expected purchases, expected spend and CLV (CLV_SCHEMA).

    Uses the latest row of ``fits`` (by fitted_at). Raises :class:`FitNotConvergedError`
    when that fit did not converge and :class:`InvalidInputError` when it was made on another
    time unit or observation end date than ``summary``.
    """
    horizon, rate = parse_settings(horizon_periods, annual_discount_rate)
    frame = _lazy(summary, "customer_purchase_summary")
    _require_columns(frame, SUMMARY_COLUMNS, "customer_purchase_summary")
    if _is_empty(frame):
        logger.warning("customer_purchase_summary has no rows: customer_clv is left empty.")
        return _empty(CLV_SCHEMA)
    fit = _latest_fit(fits)
    _, time_unit, end_date = _summary_header(frame)
    gg_missing = _check_fit_is_usable(fit, time_unit, end_date)
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
        "observation_end_date": pa.array([end_date] * n, pa.date32()),
        "fit_id": pa.array([fit["fit_id"]] * n, pa.string()),
    }
    return _arrow_backed(pa.table(columns, schema=CLV_SCHEMA))


def _check_fit_is_usable(fit: dict[str, Any], time_unit: str, end_date: dt.date) -> bool:
    """Raise when the fit was made on another time unit or observation end date than the
    summary, or did not converge; return whether it has no Gamma-Gamma fit (a missing fit
    is usable: the spend falls back to the repeat customers' mean)."""
    if fit["time_unit"] != time_unit or _to_date(fit["observation_end_date"]) != end_date:
        raise InvalidInputError(
            f"The latest CLV fit {fit['fit_id']} was made on time unit {fit['time_unit']!r} "
            f"and observation end {fit['observation_end_date']}, but the purchase summary "
            f"has {time_unit!r} and {end_date}; rebuild clv_model_fits first."
        )
    if not fit["bgnbd_converged"]:
        raise FitNotConvergedError(
            f"Refusing to score customers: the BG/NBD fit {fit['fit_id']} "
            f"{_not_converged_reason(fit['bgnbd_message'])} Inspect clv_model_fits and refit "
            "on more history."
        )
    gg_missing = _is_null(fit["gg_p"])
    if not fit["gg_converged"] and not gg_missing:
        raise FitNotConvergedError(
            f"Refusing to score customers: the Gamma-Gamma fit {fit['fit_id']} "
            f"{_not_converged_reason(fit['gg_message'])} Inspect clv_model_fits and refit."
        )
    return gg_missing


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


def to_engine_frame(frame: pd.DataFrame, session: Any, schema: pa.Schema) -> Any:
    """Return ``frame`` in the form the session's engine writes best, with ``schema``'s types.

    A SparkSession (classic or Spark Connect) gets a Spark DataFrame; anything else (the
    DuckDB connection on dbt-duckdb) gets a pyarrow Table. NaN becomes NULL.
    """
    try:
        table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, KeyError) as exc:
        raise ClvInputError(f"The result does not match its declared columns: {exc}") from exc
    if type(session).__module__.startswith("pyspark"):
        return session.createDataFrame(table)
    return table
