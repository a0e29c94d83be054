"""Tests of python_jobs.clv and of the dbt Python models clv_model_fits and customer_clv.

* parameter recovery on simulated customers (BG/NBD and Gamma-Gamma);
* closed forms against independent numerical integration of the individual-level models
  and against values worked out by hand;
* edge cases and the error messages;
* portability: the same functions and dbt model files on pandas, DuckDB and local Spark.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import logging
import math
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy import integrate, optimize, special, stats

from python_jobs.clv import (
    BgNbdParams,
    EmptyInputError,
    FitNotConvergedError,
    GammaGammaParams,
    InvalidInputError,
    ModelDomainError,
    NoRepeatCustomersError,
    bgnbd,
    conditional_expected_average_spend,
    customer_lifetime_value,
    expected_purchases,
    expected_purchases_unconditional,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma,
    per_period_discount_rate,
    probability_alive,
    simulate_bgnbd,
    simulate_spend,
)
from python_jobs.clv import models as clv_models
from python_jobs.clv.lifetime_value import discounted_expected_purchases

pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)

REPO = Path(__file__).resolve().parents[2]
MODEL_DIR = REPO / "models" / "gold" / "ml"

# CDNOW estimates (Fader, Hardie & Lee 2005; Fader & Hardie 2013).
CDNOW_BGNBD = BgNbdParams(r=0.24, alpha=4.41, a=0.79, b=2.43)
CDNOW_GG = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)


# --------------------------------------------------------------------------- helpers


def _gauss_legendre_unit(n_per_panel: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre rule on (0, 1), refined geometrically towards both ends."""
    inner = np.concatenate([10.0 ** -np.arange(12, 0, -1), [0.5], 1 - 10.0 ** -np.arange(1, 13)])
    edges = np.concatenate([[0.0], inner, [1.0]])
    x, w = np.polynomial.legendre.leggauss(n_per_panel)
    nodes = [(b - a) / 2 * x + (a + b) / 2 for a, b in itertools.pairwise(edges)]
    weights = [(b - a) / 2 * w for a, b in itertools.pairwise(edges)]
    return np.concatenate(nodes), np.concatenate(weights)


def _bgnbd_by_integration(
    params: BgNbdParams, x: int, tx: float, T: float, t: float
) -> tuple[float, float, float]:
    """(log-likelihood, P(alive), E[Y(t)]) by 2-D integration of the individual-level model.

    Independent of the closed forms: integrates over lambda ~ Gamma(r, alpha) and
    p ~ Beta(a, b) (through their quantile functions) the individual likelihood
    (1-p)^x lambda^x e^(-lambda T) + [x>0] p (1-p)^(x-1) lambda^x e^(-lambda t_x), its
    "alive" part, and the alive part times E[Y(t) | lambda, p] = (1 - e^(-lambda p t))/p.
    """
    u, wu = _gauss_legendre_unit()
    lam = (special.gammaincinv(params.r, u) / params.alpha)[:, None]
    p = special.betaincinv(params.a, params.b, u)[None, :]
    weights = wu[:, None] * wu[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        alive = np.exp(x * np.log1p(-p) + x * np.log(lam) - lam * T)
        dead = p * (1 - p) ** (x - 1) * lam**x * np.exp(-lam * tx) if x > 0 else 0.0
        future = -np.expm1(-lam * p * t) / p
    likelihood = np.sum(weights * (alive + dead))
    return (
        float(np.log(likelihood)),
        float(np.sum(weights * alive) / likelihood),
        float(np.sum(weights * alive * future) / likelihood),
    )


def _summary_frame(n: int, seed: int, *, time_unit: str = "week") -> pd.DataFrame:
    """A customer_purchase_summary as the SQL model builds it: dates on a daily grid."""
    rng = np.random.default_rng(seed)
    days_per_unit = 7.0 if time_unit == "week" else 1.0
    age_days = rng.integers(1, 78 * 7, n)
    age = age_days / days_per_unit
    # CDNOW parameters are per week; alpha is a rate in the time unit: alpha_day = 7 alpha_week.
    p = CDNOW_BGNBD
    sim = simulate_bgnbd(n, age, p.r, p.alpha * 7.0 / days_per_unit, p.a, p.b, seed=seed)
    recency_days = np.where(sim["frequency"] > 0, np.ceil(sim["recency"] * days_per_unit), 0)
    recency_days = np.minimum(recency_days, age_days)
    spend = simulate_spend(sim["frequency"], CDNOW_GG.p, CDNOW_GG.q, CDNOW_GG.gamma, seed + 1)
    end = dt.date(2024, 6, 30)
    first = [end - dt.timedelta(days=int(d)) for d in age_days]
    return pd.DataFrame(
        {
            "customer_id": [f"c{i:06d}" for i in range(n)],
            "first_purchase_date": first,
            "last_purchase_date": [
                f + dt.timedelta(days=int(d)) for f, d in zip(first, recency_days, strict=True)
            ],
            "frequency": sim["frequency"].astype(np.int64),
            "recency": recency_days / days_per_unit,
            "t": age,
            "monetary_value": np.round(spend, 2),
            "time_unit": time_unit,
            "as_of_date": end,
        }
    )


def _arrow(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


def _load_model(name: str):
    spec = importlib.util.spec_from_file_location(f"dbt_model_{name}", MODEL_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _FakeConfig:
    """The parts of dbt's Python-model `dbt.config` the models use."""

    def __init__(self, meta: dict) -> None:
        self._meta = meta

    def __call__(self, **kwargs) -> None:
        pass

    def get(self, key, default=None):
        return default

    def meta_get(self, key, default=None):
        return self._meta.get(key, default)


class _FakeDbt:
    """dbt's Python-model object: refs, config.meta and, for an incremental run, the
    existing table's name as dbt.this."""

    def __init__(self, refs: dict, meta: dict | None = None, this: str | None = None) -> None:
        self._refs = refs
        self.config = _FakeConfig(meta or {})
        self.is_incremental = this is not None
        self.this = this

    def ref(self, name: str):
        return self._refs[name]()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def clv_simulated() -> pd.DataFrame:
    """100,000 customers observed for 78 weeks under the CDNOW BG/NBD and Gamma-Gamma."""
    sim = simulate_bgnbd(100_000, 78.0, *CDNOW_BGNBD.as_array(), seed=20240601)
    sim["monetary_value"] = simulate_spend(
        sim["frequency"], CDNOW_GG.p, CDNOW_GG.q, CDNOW_GG.gamma, seed=20240602
    )
    return sim


@pytest.fixture(scope="module")
def clv_summary() -> pd.DataFrame:
    return _summary_frame(3000, seed=7)


@pytest.fixture(scope="module")
def clv_spark():
    pyspark_sql = pytest.importorskip("pyspark.sql")
    active = pyspark_sql.SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    spark = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("test_clv")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()


# --------------------------------------------------------------------------- recovery


def test_bgnbd_recovers_parameters(clv_simulated: pd.DataFrame) -> None:
    fit = fit_bgnbd(clv_simulated["frequency"], clv_simulated["recency"], clv_simulated["T"])
    assert fit.converged, fit.message
    assert fit.n_customers == 100_000
    truth = CDNOW_BGNBD.as_array()
    estimate = fit.params.as_array()
    print("BG/NBD truth", truth, "fit", estimate)
    np.testing.assert_allclose(estimate, truth, rtol=0.10)
    # The maximum is a maximum: the true parameters fit the data less well.
    ll_truth = bgnbd.log_likelihood(
        CDNOW_BGNBD, clv_simulated["frequency"], clv_simulated["recency"], clv_simulated["T"]
    )
    assert fit.log_likelihood >= ll_truth


def test_gamma_gamma_recovers_parameters(clv_simulated: pd.DataFrame) -> None:
    fit = fit_gamma_gamma(clv_simulated["frequency"], clv_simulated["monetary_value"])
    assert fit.converged, fit.message
    assert fit.n_customers == int((clv_simulated["frequency"] > 0).sum())
    truth = CDNOW_GG.as_array()
    estimate = fit.params.as_array()
    print("Gamma-Gamma truth", truth, "fit", estimate)
    np.testing.assert_allclose(estimate, truth, rtol=0.10)


def test_weights_equal_repeated_rows() -> None:
    summary = _summary_frame(3000, seed=2)
    grouped = summary.groupby(["frequency", "recency", "t"], as_index=False).size()
    assert len(grouped) < len(summary)
    weighted = fit_bgnbd(
        grouped["frequency"], grouped["recency"], grouped["t"], weights=grouped["size"]
    )
    repeated = fit_bgnbd(summary["frequency"], summary["recency"], summary["t"])
    assert weighted.converged and weighted.n_customers == 3000
    np.testing.assert_allclose(weighted.params.as_array(), repeated.params.as_array(), rtol=1e-9)
    assert weighted.log_likelihood == pytest.approx(repeated.log_likelihood, rel=1e-12)


def test_simulation_agrees_with_the_closed_forms(clv_simulated: pd.DataFrame) -> None:
    """E[X(T)] and E[P(alive | data)] equal the simulated means (law of total expectation)."""
    n = len(clv_simulated)
    mean_x = clv_simulated["frequency"].mean()
    se_x = clv_simulated["frequency"].std() / math.sqrt(n)
    assert abs(mean_x - expected_purchases_unconditional(CDNOW_BGNBD, 78.0)[0]) < 4 * se_x
    p_alive = probability_alive(
        CDNOW_BGNBD, clv_simulated["frequency"], clv_simulated["recency"], clv_simulated["T"]
    )
    alive = clv_simulated["alive"].to_numpy()
    assert abs(alive.mean() - p_alive.mean()) < 4 * alive.std() / math.sqrt(n)


# --------------------------------------------------------------------------- closed forms

INTEGRATION_CASES = [
    (0, 0.0, 78.0, 52.0),
    (1, 30.0, 78.0, 52.0),
    (4, 70.0, 78.0, 52.0),
    (4, 10.0, 78.0, 52.0),  # long silence: probably dead
    (2, 1.0, 1.5, 500.0),  # young customer, long horizon: z = t/(alpha+T+t) near 1
    (10, 60.0, 62.0, 104.0),
]


@pytest.mark.parametrize(("x", "tx", "T", "t"), INTEGRATION_CASES)
@pytest.mark.parametrize(
    "params",
    [CDNOW_BGNBD, BgNbdParams(r=1.5, alpha=3.0, a=2.5, b=4.0), BgNbdParams(0.5, 8.0, 1.0, 1.5)],
    ids=["cdnow", "a_above_1", "a_equal_1"],
)
def test_bgnbd_formulas_match_numerical_integration(params, x, tx, T, t) -> None:
    ll_ref, alive_ref, expected_ref = _bgnbd_by_integration(params, x, tx, T, t)
    assert bgnbd.log_likelihood_per_customer(params, x, tx, T)[0] == pytest.approx(ll_ref, rel=1e-8)
    assert probability_alive(params, x, tx, T)[0] == pytest.approx(alive_ref, rel=1e-8)
    assert expected_purchases(params, t, x, tx, T)[0] == pytest.approx(expected_ref, rel=1e-7)


def test_probability_alive_by_hand() -> None:
    # x = 0: the BG/NBD customer cannot have dropped out (dropout follows a repeat purchase).
    np.testing.assert_array_equal(probability_alive(CDNOW_BGNBD, [0, 0], [0, 0], [1, 500]), 1)
    # r = alpha = a = 1, b = 2, x = 1, t_x = 1, T = 2:
    # 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) = 1 / (1 + 1/2 * (3/2)^2) = 8/17.
    params = BgNbdParams(r=1.0, alpha=1.0, a=1.0, b=2.0)
    assert probability_alive(params, 1, 1.0, 2.0)[0] == pytest.approx(8 / 17, rel=1e-14)


def test_unconditional_expectation_by_hand() -> None:
    # r = 1, b = 1, a = 2: 2F1(1, 1; 2; z) = -ln(1-z)/z, so
    # E[X(t)] = 2 [1 - (alpha/t) ln((alpha+t)/alpha)]; alpha = t = 2 gives 2 (1 - ln 2).
    params = BgNbdParams(r=1.0, alpha=2.0, a=2.0, b=1.0)
    assert expected_purchases_unconditional(params, 2.0)[0] == pytest.approx(
        2 * (1 - math.log(2)), rel=1e-13
    )
    t = np.array([0.0, 0.5, 10.0, 1000.0])
    expected = np.where(t > 0, 2 * (1 - 2 / np.where(t > 0, t, 1) * np.log1p(t / 2)), 0.0)
    np.testing.assert_allclose(expected_purchases_unconditional(params, t), expected, rtol=1e-12)


def test_conditional_expectation_is_p_alive_times_updated_unconditional() -> None:
    """E[Y(t)|x,t_x,T] = P(alive) E[X(t)] under (r+x, alpha+T, a, b+x); x = 0 shifts alpha."""
    p = CDNOW_BGNBD
    for x, tx, T in [(0, 0.0, 30.0), (3, 20.0, 60.0), (200, 77.0, 78.0)]:
        updated = BgNbdParams(r=p.r + x, alpha=p.alpha + T, a=p.a, b=p.b + x)
        want = probability_alive(p, x, tx, T) * expected_purchases_unconditional(updated, 52.0)
        np.testing.assert_allclose(expected_purchases(p, 52.0, x, tx, T), want, rtol=1e-12)


def _expected_by_log_grid(params: BgNbdParams, x: int, tx: float, T: float, t: float) -> float:
    """Brute force: P(alive) E[(1 - ((alpha+T)/(alpha+T+p t))^(r+x))/p | p ~ Beta(a, b+x)].

    Trapezoid rule on log p over (0, 1/2] and on log(1-p) over [1/2, 1), so that the
    algebraic end-point behaviour of the Beta density is resolved.
    """
    rate = t / (params.alpha + T)
    a, b = params.a, params.b + x

    def h(p: np.ndarray) -> np.ndarray:
        return -np.expm1(-(params.r + x) * np.log1p(p * rate)) / p

    log_beta = special.betaln(a, b)
    s = np.linspace(-80.0, math.log(0.5), 1_000_001)  # s = log p
    p = np.exp(s)
    left = np.trapezoid(h(p) * np.exp(a * s + (b - 1) * np.log1p(-p) - log_beta), s)
    s = np.linspace(-80.0, math.log(0.5), 1_000_001)  # s = log(1 - p)
    p = -np.expm1(s)
    right = np.trapezoid(h(p) * np.exp((a - 1) * np.log(p) + b * s - log_beta), s)
    return float((left + right) * probability_alive(params, x, tx, T)[0])


@pytest.mark.parametrize(
    ("params", "x", "tx", "T", "t"),
    [
        (CDNOW_BGNBD, 200, 77.0, 78.0, 52.0),  # 2F1 of the printed formula is huge
        (CDNOW_BGNBD, 1500, 500.0, 520.0, 3650.0),  # paper form overflows, Euler form not
        (CDNOW_BGNBD, 1, 0.1, 0.2, 1e6),  # z = 1 - 2e-7
        (BgNbdParams(0.5, 2.0, 1.000001, 3.0), 5, 20.0, 30.0, 52.0),  # a = 1 + 1e-6
        (BgNbdParams(3.0, 1.0, 0.3, 0.4), 0, 0.0, 5.0, 100.0),  # a + b < 1: 2F1 < 0
    ],
    ids=["x200", "x1500_overflow", "z_near_1", "a_near_1", "negative_2f1"],
)
@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
def test_expected_purchases_numerical_edge_cases(params, x, tx, T, t) -> None:
    with np.errstate(all="ignore"):
        printed = bgnbd._one_minus_h_paper(params.as_array(), np.array([float(x)]), T, t)
    value = expected_purchases(params, t, x, tx, T)[0]
    assert np.isfinite(value)
    assert value == pytest.approx(_expected_by_log_grid(params, x, tx, T, t), rel=1e-6)
    given_alive = bgnbd._expected_by_quadrature(params.as_array(), float(x), T, t)
    quad = given_alive * probability_alive(params, x, tx, T)[0]
    assert value == pytest.approx(quad, rel=1e-6)
    if x == 1500:
        assert not np.isfinite(printed[0])  # the form the Euler transformation replaces


def test_expected_purchases_properties() -> None:
    t = np.arange(0, 105, dtype=float)
    path = expected_purchases(CDNOW_BGNBD, t, 3, 40.0, 60.0)
    assert path[0] == 0
    assert np.all(np.diff(path) > 0)
    # A customer with the same history but a longer silence is less likely to buy.
    silent = expected_purchases(CDNOW_BGNBD, 52.0, [3, 3], [55.0, 10.0], [60.0, 60.0])
    assert silent[0] > silent[1]


def test_gamma_gamma_formulas_match_numerical_integration() -> None:
    params = CDNOW_GG
    for x, m in [(1, 10.0), (3, 35.0), (12, 80.0)]:
        # m_x | nu ~ Gamma(p x, rate nu x), nu ~ Gamma(q, rate gamma).
        def joint(nu: float, x: int = x, m: float = m) -> float:
            return stats.gamma.pdf(m, params.p * x, scale=1 / (nu * x)) * stats.gamma.pdf(
                nu, params.q, scale=1 / params.gamma
            )

        density, _ = integrate.quad(joint, 0, np.inf, epsabs=0, epsrel=1e-12, limit=200)
        spend, _ = integrate.quad(
            lambda nu, j=joint: params.p / nu * j(nu), 0, np.inf, epsabs=0, epsrel=1e-12
        )
        ll = gamma_gamma.log_likelihood_per_customer(params, x, m)[0]
        assert ll == pytest.approx(math.log(density), rel=1e-9)
        assert conditional_expected_average_spend(params, x, m)[0] == pytest.approx(
            spend / density, rel=1e-9
        )
    # By hand: x = 2, m = 20, p = 2, q = 3, gamma = 10:
    # p (gamma + x m) / (p x + q - 1) = 2 * 50 / 6; x = 0 gives p gamma / (q - 1) = 10.
    hand = GammaGammaParams(p=2.0, q=3.0, gamma=10.0)
    np.testing.assert_allclose(
        conditional_expected_average_spend(hand, [2, 0], [20.0, 0.0]), [100 / 6, 10.0]
    )


# --------------------------------------------------------------------------- CLV


def test_discount_rate_per_time_unit() -> None:
    assert per_period_discount_rate(0.10, "week") == pytest.approx(1.1 ** (7 / 365.25) - 1)
    assert per_period_discount_rate(0.10, "day") == pytest.approx(1.1 ** (1 / 365.25) - 1)
    assert (1 + per_period_discount_rate(0.10, "week")) ** (365.25 / 7) == pytest.approx(1.1)
    with pytest.raises(InvalidInputError, match="time unit"):
        per_period_discount_rate(0.1, "month")
    with pytest.raises(InvalidInputError, match="clv_annual_discount_rate"):
        per_period_discount_rate(-0.1, "week")


def test_clv_equals_explicit_sum() -> None:
    x, tx, T = np.array([0, 2, 7]), np.array([0.0, 10.0, 50.0]), np.array([20.0, 40.0, 52.0])
    spend = np.array([30.0, 25.0, 60.0])
    clv = customer_lifetime_value(
        CDNOW_BGNBD,
        x,
        tx,
        T,
        spend,
        horizon_periods=26,
        annual_discount_rate=0.08,
        time_unit="week",
    )
    d = 1.08 ** (7 / 365.25) - 1
    want = np.zeros(3)
    for k in range(1, 27):
        step = expected_purchases(CDNOW_BGNBD, k, x, tx, T) - expected_purchases(
            CDNOW_BGNBD, k - 1, x, tx, T
        )
        want += spend * step / (1 + d) ** k
    np.testing.assert_allclose(clv, want, rtol=1e-12)
    # Without discounting, CLV = spend x E[Y(H)].
    undiscounted, summed = discounted_expected_purchases(
        CDNOW_BGNBD, x, tx, T, horizon_periods=26, period_discount_rate=0.0
    )
    np.testing.assert_allclose(summed, undiscounted, rtol=1e-12)
    np.testing.assert_allclose(undiscounted, expected_purchases(CDNOW_BGNBD, 26, x, tx, T))


# --------------------------------------------------------------------------- edge cases


def test_customers_without_repeat_purchase() -> None:
    assert probability_alive(CDNOW_BGNBD, 0, 0.0, 10.0)[0] == 1.0
    assert expected_purchases(CDNOW_BGNBD, 52, 0, 0.0, 10.0)[0] > 0
    spend = conditional_expected_average_spend(CDNOW_GG, [0], [0.0])[0]
    assert spend == pytest.approx(CDNOW_GG.p * CDNOW_GG.gamma / (CDNOW_GG.q - 1))


def test_single_customer_fits_without_crashing() -> None:
    fit = fit_bgnbd([3], [20.0], [30.0])
    assert isinstance(fit.converged, bool)
    assert fit.n_customers == 1
    if not fit.converged:
        with pytest.raises(FitNotConvergedError, match="did not converge"):
            fit.require_converged()


def test_zero_spend_is_excluded_from_the_fit_and_shrunk_towards_zero() -> None:
    sim = simulate_bgnbd(5000, 52.0, *CDNOW_BGNBD.as_array(), seed=3)
    m = simulate_spend(sim["frequency"], CDNOW_GG.p, CDNOW_GG.q, CDNOW_GG.gamma, seed=4)
    repeat = np.flatnonzero(sim["frequency"] > 0)
    with_zero = m.copy()
    with_zero[repeat[:10]] = 0.0
    fit_all = fit_gamma_gamma(sim["frequency"], with_zero)
    fit_rest = fit_gamma_gamma(sim["frequency"].to_numpy()[with_zero > 0], with_zero[with_zero > 0])
    assert fit_all.n_customers == len(repeat) - 10
    np.testing.assert_allclose(fit_all.params.as_array(), fit_rest.params.as_array(), rtol=1e-9)
    p = fit_all.params
    value = conditional_expected_average_spend(p, [2], [0.0])[0]
    assert value == pytest.approx(p.p * p.gamma / (2 * p.p + p.q - 1))
    with pytest.raises(InvalidInputError, match="monetary_value > 0"):
        gamma_gamma.log_likelihood_per_customer(p, [2], [0.0])


def test_all_zero_frequency() -> None:
    x, tx, T = np.zeros(500), np.zeros(500), np.linspace(1, 50, 500)
    with pytest.raises(
        NoRepeatCustomersError, match=r"cannot be fit \(the BG/NBD model still can\)"
    ):
        fit_gamma_gamma(x, np.zeros(500))
    fit = fit_bgnbd(x, tx, T)  # fits, but r -> 0 is the maximum: not converged
    assert not fit.converged
    assert re.search(r"(r|alpha) reached the (lower|upper) edge", fit.message), fit.message
    with pytest.raises(FitNotConvergedError, match="BG/NBD fit on 500 customers did not converge"):
        fit.require_converged()


def test_no_exposure_and_flat_likelihood_are_not_converged() -> None:
    # Everybody first bought on the observation end date: the likelihood is constant.
    fit = fit_bgnbd(np.zeros(20), np.zeros(20), np.zeros(20))
    assert not fit.converged
    assert "T = 0" in fit.message
    # Two identical one-purchase-only customers observed briefly: flat or on an edge.
    fit = fit_bgnbd([0, 0], [0.0, 0.0], [1.0, 1.0])
    assert not fit.converged


def test_q_at_most_one_has_no_population_mean() -> None:
    params = GammaGammaParams(p=2.0, q=0.8, gamma=5.0)
    with pytest.raises(ModelDomainError, match="infinite"):
        conditional_expected_average_spend(params, [0], [0.0])
    assert conditional_expected_average_spend(params, [3], [10.0])[0] > 0


@pytest.mark.parametrize(
    ("x", "tx", "T", "error", "match"),
    [
        ([], [], [], EmptyInputError, "no rows"),
        ([1, 2], [5.0, 12.0], [10.0, 11.0], InvalidInputError, "recency greater than their age T"),
        ([-1], [0.0], [4.0], InvalidInputError, "frequency are negative"),
        ([1.5], [2.0], [4.0], InvalidInputError, "whole numbers"),
        ([0], [2.0], [4.0], InvalidInputError, "recency must be 0 when frequency is 0"),
        ([2], [0.0], [4.0], InvalidInputError, "recency must be > 0"),
        ([1], [np.nan], [4.0], InvalidInputError, "NaN"),
        ([1, 2], [1.0], [4.0, 5.0, 6.0], InvalidInputError, "different lengths"),
    ],
)
def test_invalid_inputs_have_clear_errors(x, tx, T, error, match) -> None:
    with pytest.raises(error, match=match):
        fit_bgnbd(x, tx, T)


def test_gamma_gamma_empty_input() -> None:
    with pytest.raises(EmptyInputError, match="no rows"):
        fit_gamma_gamma([], [])
    with pytest.raises(InvalidInputError, match="monetary_value are negative"):
        fit_gamma_gamma([1], [-3.0])


def test_non_convergence_is_reported_not_raised() -> None:
    sim = simulate_bgnbd(2000, 52.0, *CDNOW_BGNBD.as_array(), seed=5)
    fit = fit_bgnbd(sim["frequency"], sim["recency"], sim["T"], maxiter=1, n_best_starts=1)
    assert not fit.converged
    assert fit.message.startswith("did not converge")


# --------------------------------------------------------------------------- model layer


def test_fit_and_score_on_pandas(clv_summary: pd.DataFrame, caplog) -> None:
    fitted_at = dt.datetime(2024, 7, 1, 3, 0, tzinfo=dt.UTC)
    fits = clv_models.fit_models(clv_summary, fitted_at=fitted_at)
    assert list(fits.columns) == clv_models.FITS_SCHEMA.names
    row = fits.iloc[0]
    assert row["bgnbd_converged"] and row["gg_converged"]
    assert row["n_customers"] == len(clv_summary)
    assert row["n_repeat_customers"] == int((clv_summary["frequency"] > 0).sum())
    assert row["fitted_at"] == fitted_at
    assert re.fullmatch(r"clv-20240630-week-[0-9a-f]{16}", row["fit_id"])
    # A refit on the same data later: same fit_id, so customer_clv is reproducible.
    again = clv_models.fit_models(clv_summary, fitted_at=fitted_at + dt.timedelta(hours=5))
    assert again.iloc[0]["fit_id"] == row["fit_id"]
    changed = clv_models.fit_models(clv_summary.iloc[1:], fitted_at=fitted_at)
    assert changed.iloc[0]["fit_id"] != row["fit_id"]
    # Same data through the library directly: same estimates.
    direct = fit_bgnbd(clv_summary["frequency"], clv_summary["recency"], clv_summary["t"])
    np.testing.assert_allclose(
        row[["bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b"]].to_numpy(float),
        direct.params.as_array(),
        rtol=1e-9,
    )
    scores = clv_models.score_customers(clv_summary, fits, "52", "0.10")
    assert list(scores.columns) == clv_models.CLV_SCHEMA.names
    assert len(scores) == len(clv_summary)
    assert scores["customer_id"].is_unique
    assert scores["probability_alive"].between(0, 1).all()
    assert (scores["expected_purchases"] >= 0).all()
    assert (scores["clv"] >= 0).all()
    assert (scores["clv"] <= scores["expected_average_spend"] * scores["expected_purchases"]).all()
    assert set(scores["horizon_periods"]) == {52}


def test_unconverged_fit_is_written_and_refused(caplog) -> None:
    summary = _summary_frame(300, seed=11)
    summary["frequency"] = 0
    summary["recency"] = 0.0
    summary["monetary_value"] = 0.0
    with caplog.at_level(logging.WARNING, logger="python_jobs.clv.models"):
        fits = clv_models.fit_models(summary)
    row = fits.iloc[0]
    assert not row["bgnbd_converged"] and not row["gg_converged"]
    assert pd.isna(row["gg_p"]) and row["gg_n_customers"] == 0
    assert "BG/NBD fit did not converge" in caplog.text
    assert "Gamma-Gamma model not fitted" in caplog.text
    table = clv_models.result_frame(fits, None, clv_models.FITS_SCHEMA)
    assert table.column("gg_p").null_count == 1  # NULL, not NaN
    with caplog.at_level(logging.WARNING, logger="python_jobs.clv.models"):
        scores = clv_models.score_customers(summary, fits, 52, 0.1)
    assert scores.empty and list(scores.columns) == clv_models.CLV_SCHEMA.names
    assert f"customer_clv scores nobody: the BG/NBD fit {row['fit_id']} did not" in caplog.text


def test_no_gamma_gamma_fit_uses_the_mean_spend(clv_summary: pd.DataFrame, caplog) -> None:
    summary = clv_summary.copy()
    summary["monetary_value"] = 0.0  # repeat purchases of zero value: Gamma-Gamma not fitted
    fits = clv_models.fit_models(summary)
    assert fits.iloc[0]["bgnbd_converged"] and pd.isna(fits.iloc[0]["gg_p"])
    with caplog.at_level(logging.WARNING, logger="python_jobs.clv.models"):
        scores = clv_models.score_customers(summary, fits, 52, 0.1)
    assert "expected_average_spend is the mean monetary value" in caplog.text
    assert (scores["expected_average_spend"] == 0).all() and (scores["clv"] == 0).all()
    # Nobody with a repeat purchase (forced through a converged BG/NBD row): spend is NULL.
    nobody = summary.assign(frequency=0, recency=0.0)
    scores = clv_models.score_customers(nobody, fits, 52, 0.1)
    assert scores["expected_average_spend"].isna().all() and scores["clv"].isna().all()
    assert (scores["expected_purchases"] > 0).all()


def test_gamma_gamma_not_converged_is_refused(clv_summary: pd.DataFrame, caplog) -> None:
    fits = clv_models.fit_models(clv_summary)
    fits.loc[0, "gg_converged"] = False
    fits.loc[0, "gg_message"] = "did not converge: test"
    with caplog.at_level(logging.WARNING, logger="python_jobs.clv.models"):
        scores = clv_models.score_customers(clv_summary, fits, 52, 0.1)
    assert scores.empty
    assert "scores nobody: the Gamma-Gamma fit clv-" in caplog.text
    assert "did not converge: test, and no earlier fit converged" in caplog.text


def test_model_layer_input_errors(clv_summary: pd.DataFrame) -> None:
    fits = clv_models.fit_models(clv_summary)
    with pytest.raises(InvalidInputError, match="rebuild clv_model_fits"):
        clv_models.score_customers(clv_summary.assign(time_unit="day"), fits, 52, 0.1)
    with pytest.raises(InvalidInputError, match="clv_horizon_periods"):
        clv_models.score_customers(clv_summary, fits, "abc", 0.1)
    with pytest.raises(InvalidInputError, match=r"config\.meta"):
        clv_models.score_customers(clv_summary, fits, None, 0.1)
    with pytest.raises(InvalidInputError, match="lacks the column"):
        clv_models.fit_models(clv_summary.drop(columns="t"))
    # no customer with a purchase yet: empty tables with the right columns, not an error
    empty_fits = clv_models.fit_models(clv_summary.head(0))
    assert len(empty_fits) == 0 and list(empty_fits.columns) == clv_models.FITS_SCHEMA.names
    empty_clv = clv_models.score_customers(clv_summary.head(0), empty_fits, 52, 0.1)
    assert len(empty_clv) == 0 and list(empty_clv.columns) == clv_models.CLV_SCHEMA.names
    mixed = clv_summary.copy()
    mixed.loc[0, "time_unit"] = "day"
    with pytest.raises(InvalidInputError, match="mixes time units"):
        clv_models.fit_models(mixed)
    with pytest.raises(EmptyInputError, match="clv_model_fits has no row"):
        clv_models.score_customers(clv_summary, fits.head(0), 52, 0.1)


def test_day_time_unit(clv_summary: pd.DataFrame) -> None:
    daily = _summary_frame(2000, seed=13, time_unit="day")
    fits = clv_models.fit_models(daily)
    assert fits.iloc[0]["bgnbd_converged"], fits.iloc[0]["bgnbd_message"]
    scores = clv_models.score_customers(daily, fits, 90, 0.1)
    assert set(scores["time_unit"]) == {"day"}


# --------------------------------------------------------------------------- refit schedule


def _later(summary: pd.DataFrame, days: int) -> pd.DataFrame:
    """The same customers as of ``days`` later, nobody having bought since (week unit)."""
    as_of = summary["as_of_date"].iloc[0] + dt.timedelta(days=days)
    return summary.assign(as_of_date=as_of, t=summary["t"] + days / 7.0)


def _as_of(frame: pd.DataFrame, column: str = "as_of_date") -> set[str]:
    return {str(v) for v in frame[column]}


def test_refit_schedule(clv_summary: pd.DataFrame, caplog) -> None:
    at = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
    # first build / full refresh (no previous table): always fits
    first = clv_models.fit_when_due(clv_summary, None, "7", fitted_at=at)
    assert len(first) == 1 and _as_of(first) == {"2024-06-30"}
    # an empty table (a first build on no purchase) is no fit: due
    assert len(clv_models.fit_when_due(clv_summary, first.head(0), 7)) == 1
    # a rerun on the same summary and up to 6 days later: not due, no row
    with caplog.at_level(logging.INFO, logger="python_jobs.clv.models"):
        for days in (0, 1, 6):
            not_due = clv_models.fit_when_due(_later(clv_summary, days), first, 7)
            assert len(not_due) == 0, days
            assert list(not_due.columns) == clv_models.FITS_SCHEMA.names
    assert "No CLV refit as of 2024-07-06" in caplog.text
    # 7 days after the latest fit: due, a fit as of the new date with a new id
    due = clv_models.fit_when_due(_later(clv_summary, 7), first, 7, fitted_at=at)
    assert len(due) == 1 and _as_of(due) == {"2024-07-07"}
    assert due.iloc[0]["fit_id"] != first.iloc[0]["fit_id"]
    # the interval is the var: 3 days is due at 3
    assert len(clv_models.fit_when_due(_later(clv_summary, 3), first, "3")) == 1
    # the latest fit counts, not the first: 8 days after the first, 1 after the second
    both = pd.concat([first, due], ignore_index=True)
    assert len(clv_models.fit_when_due(_later(clv_summary, 8), both, 7)) == 0
    # a new time unit (var btyd_time_unit changed): due at once
    daily = clv_summary.assign(time_unit="day", recency=clv_summary["recency"] * 7.0)
    daily = daily.assign(t=clv_summary["t"] * 7.0)
    assert len(clv_models.fit_when_due(daily, first, 7)) == 1
    # only fits as of a later date (an earlier as_of_date var): due, they are not used
    assert _as_of(clv_models.fit_when_due(clv_summary, due, 7)) == {"2024-06-30"}
    for bad in (0, "-1", "1.5", "abc", None):
        with pytest.raises(InvalidInputError, match="clv_refit_every_days must be"):
            clv_models.fit_when_due(clv_summary, None, bad)


def test_an_unconverged_latest_fit_counts_for_the_schedule(clv_summary: pd.DataFrame) -> None:
    """An unconverged fit is a fit: the next refit is due on the schedule, not at once (a
    refit on the same data would give the same fit)."""
    fits = clv_models.fit_models(clv_summary)
    fits.loc[0, "bgnbd_converged"] = False
    assert len(clv_models.fit_when_due(_later(clv_summary, 6), fits, 7)) == 0
    assert len(clv_models.fit_when_due(_later(clv_summary, 7), fits, 7)) == 1


def test_scores_with_the_latest_converged_fit_as_of_the_summary(
    clv_summary: pd.DataFrame, caplog
) -> None:
    old = clv_models.fit_models(clv_summary, fitted_at=dt.datetime(2024, 7, 1, tzinfo=dt.UTC))
    week_later = _later(clv_summary, 7)
    new = clv_models.fit_models(week_later, fitted_at=dt.datetime(2024, 7, 8, tzinfo=dt.UTC))
    fits = pd.concat([old, new], ignore_index=True)
    # between refits: the summary as of 3 days after the old fit is scored with it, and the
    # scores are the model's for that summary (not the old summary's)
    mid = _later(clv_summary, 3)
    scores = clv_models.score_customers(mid, fits, 52, 0.1)
    assert _as_of(scores) == {"2024-07-03"} and _as_of(scores, "fit_as_of_date") == {"2024-06-30"}
    assert set(scores["fit_id"]) == {old.iloc[0]["fit_id"]}
    at_fit = clv_models.score_customers(clv_summary, old, 52, 0.1)
    assert (scores["probability_alive"] <= at_fit["probability_alive"] + 1e-12).all()
    assert (scores["probability_alive"] < at_fit["probability_alive"]).any()
    # the newest fit made as of the summary's date or before wins
    latest = clv_models.score_customers(_later(clv_summary, 9), fits, 52, 0.1)
    assert set(latest["fit_id"]) == {new.iloc[0]["fit_id"]}
    # a latest fit that did not converge is skipped for the latest that did, with a warning
    fits.loc[1, "bgnbd_converged"] = False
    fits.loc[1, "bgnbd_message"] = "did not converge: test"
    with caplog.at_level(logging.WARNING, logger="python_jobs.clv.models"):
        skipped = clv_models.score_customers(_later(clv_summary, 9), fits, 52, 0.1)
    assert set(skipped["fit_id"]) == {old.iloc[0]["fit_id"]}
    assert _as_of(skipped, "fit_as_of_date") == {"2024-06-30"}
    assert f"The latest CLV fit {new.iloc[0]['fit_id']} cannot be used" in caplog.text
    # no fit as of the summary's date or before: a sentence, not a fit from the future
    with pytest.raises(InvalidInputError, match="made as of a later date"):
        clv_models.score_customers(clv_summary, new, 52, 0.1)
    # none converged: nobody scored, with the latest fit's reason
    fits.loc[0, "bgnbd_converged"] = False
    with caplog.at_level(logging.WARNING, logger="python_jobs.clv.models"):
        nobody = clv_models.score_customers(_later(clv_summary, 9), fits, 52, 0.1)
    assert nobody.empty
    assert f"scores nobody: the BG/NBD fit {new.iloc[0]['fit_id']}" in caplog.text


def test_dbt_model_files_refit_on_the_schedule(clv_summary: pd.DataFrame) -> None:
    """clv_model_fits as dbt-duckdb runs it: the first build fits, an incremental run adds a
    row only when due (read from dbt.this), and customer_clv says which fit it used."""
    meta = {"clv_horizon_periods": 52, "clv_annual_discount_rate": 0.1, "clv_refit_every_days": 7}
    con = duckdb.connect()
    fits_model, clv_model = _load_model("clv_model_fits"), _load_model("customer_clv")

    def run(summary: pd.DataFrame, *, full_refresh: bool = False) -> int:
        con.register("summary_arrow", _arrow(summary))
        con.execute("create or replace table summary as select * from summary_arrow")
        refs = {
            "customer_purchase_summary": lambda: con.sql("select * from summary"),
            "clv_model_fits": lambda: con.sql("select * from fits"),
        }
        ((exists,),) = con.sql(
            "select count(*) from duckdb_tables() where table_name = 'fits'"
        ).fetchall()
        this = None if full_refresh or not exists else "fits"
        added = fits_model.model(_FakeDbt(refs, meta, this=this), con)
        con.register("added", added)
        if this is None:  # dbt's create-table of a first build or full refresh
            con.execute("create or replace table fits as select * from added")
        else:  # dbt's append
            con.execute("insert into fits select * from added")
        scores = clv_model.model(_FakeDbt(refs, meta), con)
        con.register("scores", scores)
        return added.num_rows

    assert run(clv_summary) == 1
    assert run(clv_summary) == 0  # a rerun: no new row, fitted_at unchanged
    assert run(_later(clv_summary, 6)) == 0
    assert con.sql("select distinct fit_as_of_date::varchar from scores").fetchall() == [
        ("2024-06-30",)
    ]
    assert run(_later(clv_summary, 7)) == 1
    dates = con.sql("select as_of_date::varchar from fits order by 1").fetchall()
    assert dates == [("2024-06-30",), ("2024-07-07",)]
    assert con.sql("select distinct fit_as_of_date::varchar from scores").fetchall() == [
        ("2024-07-07",)
    ]
    assert run(_later(clv_summary, 8), full_refresh=True) == 1
    assert con.sql("select as_of_date::varchar from fits").fetchall() == [("2024-07-08",)]


# --------------------------------------------------------------------------- portability


def _compare_frames(left: pd.DataFrame, right: pd.DataFrame, skip: tuple[str, ...]) -> None:
    left = left.drop(columns=list(skip)).reset_index(drop=True)
    right = right.drop(columns=list(skip)).reset_index(drop=True)
    assert list(left.columns) == list(right.columns)
    for column in left.columns:
        a, b = left[column], right[column]
        if pd.api.types.is_float_dtype(a) and pd.api.types.is_float_dtype(b):
            np.testing.assert_allclose(
                a.to_numpy(dtype=float, na_value=np.nan),
                b.to_numpy(dtype=float, na_value=np.nan),
                rtol=1e-12,
                err_msg=column,
            )
        else:
            assert [str(v) for v in a] == [str(v) for v in b], column


def test_duckdb_relation_gives_the_pandas_numbers(clv_summary: pd.DataFrame) -> None:
    con = duckdb.connect()
    relation = con.from_arrow(_arrow(clv_summary))
    at = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
    fits_pd = clv_models.fit_models(clv_summary, fitted_at=at)
    fits_db = clv_models.fit_models(relation, fitted_at=at)
    _compare_frames(fits_pd, fits_db, skip=())
    # The fits as DuckDB wrote them feed the scoring.
    con.register("fits", clv_models.result_frame(fits_db, con, clv_models.FITS_SCHEMA))
    scores_db = clv_models.score_customers(relation, con.sql("select * from fits"), 52, 0.1)
    scores_pd = clv_models.score_customers(clv_summary, fits_pd, 52, 0.1)
    _compare_frames(scores_pd, scores_db, skip=())


@pytest.mark.spark
def test_spark_dataframe_gives_the_duckdb_numbers(clv_summary: pd.DataFrame, clv_spark) -> None:
    at = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
    summary_sp = clv_spark.createDataFrame(_arrow(clv_summary))
    relation = duckdb.connect().from_arrow(_arrow(clv_summary))
    fits_sp = clv_models.fit_models(summary_sp, fitted_at=at)
    fits_db = clv_models.fit_models(relation, fitted_at=at)
    _compare_frames(fits_db, fits_sp, skip=())
    fits_native = clv_models.result_frame(fits_sp, clv_spark, clv_models.FITS_SCHEMA)
    assert type(fits_native).__module__.startswith("pyspark")
    scores_sp = clv_models.score_customers(summary_sp, fits_native, 52, 0.1)
    scores_db = clv_models.score_customers(relation, fits_db, 52, 0.1)
    _compare_frames(scores_db, scores_sp, skip=())


def _run_dbt_models_on_duckdb(summary: pd.DataFrame, meta: dict):
    con = duckdb.connect()
    con.register("customer_purchase_summary", _arrow(summary))
    refs = {"customer_purchase_summary": lambda: con.sql("select * from customer_purchase_summary")}
    fits = _load_model("clv_model_fits").model(_FakeDbt(refs, meta), con)
    assert isinstance(fits, pa.Table)
    con.register("clv_model_fits", fits)
    refs["clv_model_fits"] = lambda: con.sql("select * from clv_model_fits")
    scores = _load_model("customer_clv").model(_FakeDbt(refs, meta), con)
    con.register("customer_clv", scores)
    return con


def test_dbt_model_files_on_duckdb(clv_summary: pd.DataFrame) -> None:
    meta = {"clv_horizon_periods": 52, "clv_annual_discount_rate": 0.1, "clv_refit_every_days": 7}
    con = _run_dbt_models_on_duckdb(clv_summary, meta)
    types = dict(
        con.sql("select column_name, column_type from (describe clv_model_fits)").fetchall()
    )
    assert types["fitted_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["as_of_date"] == "DATE"
    assert types["n_customers"] == "BIGINT" and types["bgnbd_converged"] == "BOOLEAN"
    n, converged = con.sql(
        "select count(*), bool_and(bgnbd_converged) from clv_model_fits"
    ).fetchall()[0]
    assert (n, converged) == (1, True)
    rows, ids, bad = con.sql(
        "select count(*), count(distinct customer_id), "
        "count(*) filter (where probability_alive not between 0 and 1 or clv < 0) "
        "from customer_clv"
    ).fetchall()[0]
    assert (rows, ids, bad) == (len(clv_summary), len(clv_summary), 0)
    joined = con.sql(
        "select count(*) from customer_clv c join clv_model_fits f using (fit_id)"
    ).fetchall()[0][0]
    assert joined == len(clv_summary)


def test_dbt_model_scores_nobody_without_a_converged_fit(caplog) -> None:
    """A new shop's few customers do not identify the models' parameters: clv_model_fits
    writes the unconverged fit, and customer_clv an empty table with the CLV columns (the
    build goes on; its data test warns), where it used to fail the build."""
    summary = _summary_frame(200, seed=17).assign(frequency=0, recency=0.0, monetary_value=0.0)
    meta = {
        "clv_horizon_periods": "52",
        "clv_annual_discount_rate": "0.1",
        "clv_refit_every_days": "7",
    }
    with caplog.at_level(logging.WARNING, logger="python_jobs.clv.models"):
        con = _run_dbt_models_on_duckdb(summary, meta)
    assert "BG/NBD fit did not converge" in caplog.text
    assert "customer_clv scores nobody" in caplog.text
    assert con.sql("select count(*) from customer_clv").fetchall() == [(0,)]
    columns = [name for name, *_ in con.sql("describe customer_clv").fetchall()]
    assert columns == clv_models.CLV_SCHEMA.names


@pytest.mark.spark
def test_dbt_model_files_on_spark(clv_summary: pd.DataFrame, clv_spark) -> None:
    meta = {"clv_horizon_periods": 52, "clv_annual_discount_rate": 0.1, "clv_refit_every_days": 7}
    clv_spark.createDataFrame(_arrow(clv_summary)).createOrReplaceTempView("clv_summary_test")
    refs = {"customer_purchase_summary": lambda: clv_spark.table("clv_summary_test")}
    fits = _load_model("clv_model_fits").model(_FakeDbt(refs, meta), clv_spark)
    assert type(fits).__module__.startswith("pyspark")
    schema = {f.name: f.dataType.simpleString() for f in fits.schema.fields}
    assert schema["fitted_at"] == "timestamp" and schema["as_of_date"] == "date"
    fits.createOrReplaceTempView("clv_fits_test")
    refs["clv_model_fits"] = lambda: clv_spark.table("clv_fits_test")
    scores = _load_model("customer_clv").model(_FakeDbt(refs, meta), clv_spark)
    spark_scores = scores.toArrow().to_pandas().sort_values("customer_id").reset_index(drop=True)

    duck = _run_dbt_models_on_duckdb(clv_summary, meta)
    duck_scores = duck.sql("select * from customer_clv order by customer_id").df()
    _compare_frames(duck_scores, spark_scores, skip=("fit_id", "as_of_date", "fit_as_of_date"))
    assert (spark_scores["as_of_date"].astype(str) == "2024-06-30").all()
    assert (spark_scores["fit_as_of_date"].astype(str) == "2024-06-30").all()
    # a rerun on the same summary: not due, so the incremental model adds no row
    again = _load_model("clv_model_fits").model(
        _FakeDbt(refs, meta, this="clv_fits_test"), clv_spark
    )
    assert type(again).__module__.startswith("pyspark") and again.count() == 0


@pytest.mark.spark
def test_dbt_model_scores_nobody_on_spark_without_a_converged_fit(clv_spark) -> None:
    """On Databricks too, no converged fit gives an empty customer_clv with the CLV columns."""
    summary = _summary_frame(200, seed=17).assign(frequency=0, recency=0.0, monetary_value=0.0)
    meta = {"clv_horizon_periods": 52, "clv_annual_discount_rate": 0.1, "clv_refit_every_days": 7}
    clv_spark.createDataFrame(_arrow(summary)).createOrReplaceTempView("clv_unfit_summary")
    refs = {"customer_purchase_summary": lambda: clv_spark.table("clv_unfit_summary")}
    fits = _load_model("clv_model_fits").model(_FakeDbt(refs, meta), clv_spark)
    fits.createOrReplaceTempView("clv_unfit_fits")
    refs["clv_model_fits"] = lambda: clv_spark.table("clv_unfit_fits")
    scores = _load_model("customer_clv").model(_FakeDbt(refs, meta), clv_spark)
    assert type(scores).__module__.startswith("pyspark") and scores.count() == 0
    assert scores.columns == clv_models.CLV_SCHEMA.names


def test_analytic_gradients_match_finite_differences() -> None:
    sim = simulate_bgnbd(500, 40.0, *CDNOW_BGNBD.as_array(), seed=9)
    x = sim["frequency"].to_numpy(float)
    tx, T = sim["recency"].to_numpy(), sim["T"].to_numpy()
    theta = np.array([0.3, 5.0, 0.9, 2.0])
    analytic = bgnbd._ll_terms(theta, x, tx, T, with_grad=True)[1].sum(axis=1)
    numeric = optimize.approx_fprime(
        theta, lambda th: bgnbd._ll_terms(th, x, tx, T, with_grad=False)[0].sum(), 1e-7
    )
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5)

    m = simulate_spend(x, CDNOW_GG.p, CDNOW_GG.q, CDNOW_GG.gamma, seed=10)
    keep = x > 0
    theta = np.array([5.0, 3.0, 12.0])
    analytic = gamma_gamma._ll_terms(theta, x[keep], m[keep], with_grad=True)[1].sum(axis=1)
    numeric = optimize.approx_fprime(
        theta,
        lambda th: gamma_gamma._ll_terms(th, x[keep], m[keep], with_grad=False)[0].sum(),
        1e-7,
    )
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5)
