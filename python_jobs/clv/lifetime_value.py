r"""Discounted customer lifetime value over a finite horizon.

Following the discrete approach of the ``customer_lifetime_value`` function of the lifetimes
library (expected purchases per period times expected spend, discounted per period), with
the discounting done per time unit of the purchase summary::

    CLV_i = E[M_i] * sum_{k=1..H} (E[Y_i(k)] - E[Y_i(k-1)]) / (1 + d_u)^k

* E[Y_i(k)]: BG/NBD expected repeat purchases of customer i in the next k time units
  (so E[Y_i(k)] - E[Y_i(k-1)] is the expectation for period k);
* E[M_i]: Gamma-Gamma conditional expected average spend;
* H: the horizon in time units (``horizon_periods``);
* d_u = (1 + d)^(1/U) - 1: the annual discount rate d converted to one time unit, with
  U = 365.25 time units per year for ``day`` and 365.25/7 for ``week``. Cash flows of period
  k are discounted from its end, i.e. (1 + d)^(-k/U).

Multiplying expected purchases by expected spend relies on the Gamma-Gamma assumption that
spend is independent of the purchase process.
"""

from __future__ import annotations

import numpy as np

from . import bgnbd
from ._common import as_float_array, check_finite, check_non_negative
from .errors import InvalidInputError

__all__ = [
    "PERIODS_PER_YEAR",
    "check_annual_discount_rate",
    "check_horizon",
    "customer_lifetime_value",
    "discounted_expected_purchases",
    "per_period_discount_rate",
]

PERIODS_PER_YEAR = {"day": 365.25, "week": 365.25 / 7.0}


def _check_time_unit(time_unit: str) -> float:
    try:
        return PERIODS_PER_YEAR[time_unit]
    except KeyError:
        raise InvalidInputError(
            f"Unknown time unit {time_unit!r}; the purchase summary must use one of "
            f"{sorted(PERIODS_PER_YEAR)}."
        ) from None


def check_horizon(horizon_periods: object) -> int:
    """The horizon as an int >= 1 (it may arrive as a string from dbt)."""
    try:
        horizon = float(horizon_periods)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        horizon = float("nan")
    if not (np.isfinite(horizon) and horizon >= 1 and horizon == round(horizon)):
        raise InvalidInputError(
            f"The CLV horizon must be a whole number of time units >= 1, got "
            f"{horizon_periods!r}; set the dbt var clv_horizon_periods accordingly."
        )
    return round(horizon)


def check_annual_discount_rate(annual_discount_rate: object) -> float:
    """The annual discount rate as a float in [0, 10) (it may arrive as a string from dbt)."""
    try:
        rate = float(annual_discount_rate)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        rate = float("nan")
    if not (np.isfinite(rate) and 0.0 <= rate < 10.0):
        raise InvalidInputError(
            f"The annual discount rate must be a number in [0, 10) (0.10 means 10 % a year), "
            f"got {annual_discount_rate!r}; set the dbt var clv_annual_discount_rate."
        )
    return rate


def per_period_discount_rate(annual_discount_rate: float, time_unit: str) -> float:
    """(1 + annual rate)^(1/U) - 1 with U time units per year (365.25 days, 365.25/7 weeks)."""
    per_year = _check_time_unit(time_unit)
    rate = check_annual_discount_rate(annual_discount_rate)
    return float(np.expm1(np.log1p(rate) / per_year))


def discounted_expected_purchases(
    params: bgnbd.BgNbdParams,
    frequency: object,
    recency: object,
    T: object,
    *,
    horizon_periods: int,
    period_discount_rate: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(E[Y(H)], sum_k (E[Y(k)] - E[Y(k-1)]) / (1 + d_u)^k) for each customer.

    Identical (x, t_x, T) rows are computed once, and E[Y(k) | alive] (all of E[Y(k)] but
    the P(alive) factor) once per distinct (x, T).
    """
    horizon = check_horizon(horizon_periods)
    if not (np.isfinite(period_discount_rate) and period_discount_rate >= 0):
        raise InvalidInputError(
            f"The per-period discount rate must be >= 0, got {period_discount_rate!r}."
        )
    x, tx, age = bgnbd._customer_arrays(frequency, recency, T)
    rows = np.column_stack([x, tx, age])
    unique, inverse = np.unique(rows, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    ux, utx, uage = unique[:, 0], unique[:, 1], unique[:, 2]
    theta = params.as_array()
    alive = bgnbd.probability_alive(params, ux, utx, uage)
    histories, history_of = np.unique(unique[:, [0, 2]], axis=0, return_inverse=True)
    history_of = history_of.reshape(-1)
    hx, hage = histories[:, 0], histories[:, 1]
    previous = np.zeros(ux.size)
    discounted = np.zeros(ux.size)
    for k in range(1, horizon + 1):
        given_alive = bgnbd._expected_given_alive(theta, hx, hage, np.full(hx.size, float(k)))
        current = alive * given_alive[history_of]
        # E[Y(k)] is non-decreasing in k; guard against rounding in the increments.
        current = np.maximum(current, previous)
        discounted += (current - previous) / (1.0 + period_discount_rate) ** k
        previous = current
    return previous[inverse], discounted[inverse]


def customer_lifetime_value(
    params: bgnbd.BgNbdParams,
    frequency: object,
    recency: object,
    T: object,
    expected_spend: object,
    *,
    horizon_periods: int,
    annual_discount_rate: float,
    time_unit: str,
) -> np.ndarray:
    """Discounted CLV of each customer over ``horizon_periods`` time units (module docstring).

    ``expected_spend`` is E[M] per customer (e.g. from
    :func:`python_jobs.clv.gamma_gamma.conditional_expected_average_spend`).
    """
    spend = as_float_array(expected_spend, "expected_spend")
    check_finite(spend, "expected_spend")
    check_non_negative(spend, "expected_spend")
    d_u = per_period_discount_rate(annual_discount_rate, time_unit)
    _, discounted = discounted_expected_purchases(
        params, frequency, recency, T, horizon_periods=horizon_periods, period_discount_rate=d_u
    )
    if spend.size not in (1, discounted.size):
        raise InvalidInputError(
            f"expected_spend has {spend.size} values for {discounted.size} customers."
        )
    return spend * discounted
