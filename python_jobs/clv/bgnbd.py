r"""BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005).

Reference: P. S. Fader, B. G. S. Hardie and K. L. Lee, "'Counting Your Customers' the Easy
Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275-284, 2005 (FHL),
and the companion note "Computing P(alive) Using the BG/NBD Model" (Fader, Hardie & Lee 2008).

Model. While alive, a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha)
(shape r, rate alpha). After each *repeat* purchase the customer drops out for good with
probability p ~ Beta(a, b). A customer is summarised by (x, t_x, T): x repeat purchases, the
last at time t_x after the first purchase, observed for T time units since the first purchase.

Likelihood (FHL eq. 6), with B the beta function and delta = 1 if x > 0::

    L = B(a, b+x)/B(a, b) * Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x))
      + delta * B(a+1, b+x-1)/B(a, b) * Gamma(r+x) alpha^r / (Gamma(r) (alpha+t_x)^(r+x))

computed in logs as ``ln A1 + K + logaddexp(u2, u3)`` with
``ln A1 = lnGamma(r+x) - lnGamma(r) + r ln alpha``,
``K = lnGamma(a+b) + lnGamma(b+x) - lnGamma(b) - lnGamma(a+b+x)``,
``u2 = -(r+x) ln(alpha+T)`` and ``u3 = ln a - ln(b+x-1) - (r+x) ln(alpha+t_x)`` (-inf if x=0).

P(alive) (the 2008 note)::

    P(alive | x, t_x, T) = 1 / (1 + delta * a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x))

Expected purchases in (T, T+t] (FHL eq. 10)::

    E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1)
                          * [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)]
                          / (1 + delta * a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)),
    z = t / (alpha+T+t).

Unconditional expectation for a new customer (FHL eq. 9)::

    E[X(t)] = (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]

which is the conditional formula with x = t_x = T = 0.

Numerics of 2F1. Given alive, lambda ~ Gamma(r+x, alpha+T) and p ~ Beta(a, b+x) a
posteriori, so the numerator of E[Y(t)] is E[X(t)] with (r+x, alpha+T, a, b+x) in place of
(r, alpha, a, b). With A = r+x, B = b+x, C = a+b+x-1 the bracket holds
H = (1-z)^A 2F1(A, B; C; z). In the paper's form C-A-B = a-1-r-x is usually negative, so
2F1 grows like (1-z)^(C-A-B) as z -> 1 (long horizons, young customers) and overflows for
large x. Euler's transformation 2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z) gives

    H = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),

whose series has C-A'-B' = r+x-a+1 (usually > 0, finite at z = 1) and whose lower parameter
grows with x, so it stays near 1 and converges fast; it is the primary form here
(1-H = -expm1(ln H) when the 2F1 value is positive; when C < 0, i.e. x = 0 and a+b < 1, 2F1
may be negative and 1-H is computed directly, without cancellation). Rows where it is not
finite or falls outside 0 <= E[Y(t)] <= P(alive) min(t (r+x)/(alpha+T), (a+b+x-1)/(a-1) if
a > 1) (the posterior expectations of lambda t and of 1/p given alive) are recomputed with the
paper's form, and rows still failing by adaptive quadrature (QUADPACK via scipy) of the
integral obtained from the individual-level model, E[Y(t) | lambda, p, alive] =
(1 - e^(-lambda p t))/p, after integrating lambda out analytically::

    E[Y(t)] = P(alive) * int_0^1 [1 - ((alpha+T)/(alpha+T+p t))^(r+x)] / p  dBeta(p; a, b+x),

integrated over the Beta quantile u = F(p), where the integrand is bounded and monotone.
The factor 1/(a-1) is singular at a = 1 although E[Y(t)] is smooth
there: for |a-1| < 1e-5 the value is interpolated linearly between a = 1 - 1e-5 and
a = 1 + 1e-5 (interpolation error O(1e-10), cancellation error O(1e-11) relative).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import integrate, special

from ._common import (
    aggregate_rows,
    as_float_array,
    check_finite,
    check_frequency,
    check_non_negative,
    check_not_empty,
    check_weights,
    maximise_log_likelihood,
)
from .errors import FitNotConvergedError, InvalidInputError

__all__ = [
    "BgNbdFit",
    "BgNbdParams",
    "expected_purchases",
    "expected_purchases_unconditional",
    "fit_bgnbd",
    "log_likelihood",
    "log_likelihood_per_customer",
    "probability_alive",
    "simulate_bgnbd",
]

_A_NEAR_ONE = 1e-5


@dataclass(frozen=True)
class BgNbdParams:
    """BG/NBD parameters: lambda ~ Gamma(shape r, rate alpha), p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not (np.isfinite(value) and value > 0):
                raise InvalidInputError(
                    f"BG/NBD parameter {name} must be a positive finite number, got {value!r}."
                )

    def as_array(self) -> np.ndarray:
        return np.array([self.r, self.alpha, self.a, self.b], dtype=float)


@dataclass(frozen=True)
class BgNbdFit:
    """Result of :func:`fit_bgnbd`. ``n_customers`` counts customers (sum of weights)."""

    params: BgNbdParams
    log_likelihood: float
    converged: bool
    n_customers: int
    message: str

    def require_converged(self) -> BgNbdParams:
        """The parameters, or :class:`FitNotConvergedError` if the fit did not converge."""
        if not self.converged:
            raise FitNotConvergedError(
                f"The BG/NBD fit on {self.n_customers} customers {self.message} Refit on more "
                "history (a longer observation period or more customers) before scoring."
            )
        return self.params


# --------------------------------------------------------------------------- inputs


def _customer_arrays(
    frequency: object, recency: object, T: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated float arrays (x, t_x, T) of equal length; T may be a scalar."""
    x = as_float_array(frequency, "frequency")
    tx = as_float_array(recency, "recency")
    age = as_float_array(T, "T")
    try:
        x, tx, age = np.broadcast_arrays(x, tx, age)
    except ValueError as exc:
        raise InvalidInputError(
            f"frequency, recency and T have different lengths ({x.size}, {tx.size}, "
            f"{age.size}); pass one value per customer."
        ) from exc
    x, tx, age = (np.array(v, dtype=float) for v in (x, tx, age))
    check_frequency(x)
    for arr, name in ((tx, "recency"), (age, "T")):
        check_finite(arr, name)
        check_non_negative(arr, name)
    tol = 1e-9 * np.maximum(1.0, age)
    bad = tx > age + tol
    if bad.any():
        i = int(np.argmax(bad))
        raise InvalidInputError(
            f"{int(bad.sum())} customer(s) have recency greater than their age T (first at "
            f"position {i}: recency {tx[i]!r} > T {age[i]!r}). Both must be measured from the "
            "customer's first purchase, in the same time unit, with the last purchase on or "
            "before the observation end."
        )
    tx = np.minimum(tx, age)
    bad = (x == 0) & (tx != 0)
    if bad.any():
        raise InvalidInputError(
            f"{int(bad.sum())} customer(s) have no repeat purchase (frequency 0) but a positive "
            f"recency (first at position {int(np.argmax(bad))}); recency must be 0 when "
            "frequency is 0."
        )
    bad = (x > 0) & (tx == 0)
    if bad.any():
        raise InvalidInputError(
            f"{int(bad.sum())} customer(s) have repeat purchases but recency 0 (first at "
            f"position {int(np.argmax(bad))}); a repeat purchase happens after the first one, "
            "so recency must be > 0 when frequency > 0 (count repeat purchase days, not orders)."
        )
    return x, tx, age


def _times(t: object) -> np.ndarray:
    arr = as_float_array(t, "t")
    check_finite(arr, "t")
    check_non_negative(arr, "t")
    return arr


# --------------------------------------------------------------------------- likelihood


def _ll_terms(
    theta: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray, with_grad: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-row log-likelihood and (optionally) its gradient w.r.t. (r, alpha, a, b)."""
    r, alpha, a, b = theta
    pos = x > 0
    ln_a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    k = (
        special.gammaln(a + b)
        + special.gammaln(b + x)
        - special.gammaln(b)
        - special.gammaln(a + b + x)
    )
    u2 = -(r + x) * np.log(alpha + T)
    u3 = np.full_like(x, -np.inf)
    bx1 = np.where(pos, b + x - 1.0, 1.0)
    u3[pos] = np.log(a) - np.log(bx1[pos]) - (r + x[pos]) * np.log(alpha + tx[pos])
    m = np.logaddexp(u2, u3)
    ll = ln_a1 + k + m
    if not with_grad:
        return ll, None
    w2 = np.exp(u2 - m)
    w3 = np.exp(u3 - m)
    d_r = (
        special.digamma(r + x)
        - special.digamma(r)
        + np.log(alpha)
        - w2 * np.log(alpha + T)
        - w3 * np.log(alpha + tx)
    )
    d_alpha = r / alpha - (r + x) * (w2 / (alpha + T) + w3 / (alpha + tx))
    psi_common = special.digamma(a + b) - special.digamma(a + b + x)
    d_a = psi_common + w3 / a
    d_b = psi_common + special.digamma(b + x) - special.digamma(b) - w3 / bx1
    return ll, np.stack([d_r, d_alpha, d_a, d_b])


def log_likelihood_per_customer(
    params: BgNbdParams, frequency: object, recency: object, T: object
) -> np.ndarray:
    """Log-likelihood of each customer's (x, t_x, T) under ``params`` (FHL eq. 6)."""
    x, tx, age = _customer_arrays(frequency, recency, T)
    ll, _ = _ll_terms(params.as_array(), x, tx, age, with_grad=False)
    return ll


def log_likelihood(
    params: BgNbdParams, frequency: object, recency: object, T: object, weights: object = None
) -> float:
    """Total (weighted) log-likelihood."""
    ll = log_likelihood_per_customer(params, frequency, recency, T)
    w = check_weights(weights, ll.size)
    return float(ll.sum() if w is None else (w * ll).sum())


def fit_bgnbd(
    frequency: object,
    recency: object,
    T: object,
    *,
    weights: object = None,
    n_best_starts: int = 3,
    maxiter: int = 2000,
) -> BgNbdFit:
    """Maximum-likelihood BG/NBD fit.

    Identical (x, t_x, T) rows are collapsed into one row with a weight (customers summarised
    from dates share few distinct values). The optimiser works on log-parameters (L-BFGS-B
    with the analytic gradient, from the best of a grid of starting points; see
    :func:`python_jobs.clv._common.maximise_log_likelihood`). A fit that does not converge is
    returned with ``converged=False`` and a message; it does not raise.
    """
    x, tx, age = _customer_arrays(frequency, recency, T)
    w = check_weights(weights, x.size)
    check_not_empty(x.size if w is None else int(np.count_nonzero(w)), "fit the BG/NBD model to")
    if w is not None:
        keep = w > 0
        x, tx, age, w = x[keep], tx[keep], age[keep], w[keep]
    (x, tx, age), w = aggregate_rows([x, tx, age], w)
    total = float(w.sum())

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(theta)
        ll, grad = _ll_terms(params, x, tx, age, with_grad=True)
        value = -float(w @ ll) / total
        if not np.isfinite(value):
            return np.inf, np.zeros(4)
        g = -(grad @ w) / total * params  # chain rule: d/d log(theta) = theta * d/d theta
        return value, g

    # Starting grid: the mean purchase rate r/alpha is set to the observed repeat rate.
    rate = max(float(w @ x) / max(float(w @ age), 1e-12), 1e-6)
    starts = [
        (r0, r0 / rate * s, a0, b0)
        for r0 in (0.25, 1.0, 4.0)
        for s in (0.5, 2.0)
        for a0 in (0.5, 2.0)
        for b0 in (1.0, 5.0)
    ]
    opt = maximise_log_likelihood(
        objective, starts, ("r", "alpha", "a", "b"), n_best_starts=n_best_starts, maxiter=maxiter
    )
    r, alpha, a, b = (float(v) for v in opt.params)
    message = opt.message
    if float(w @ age) == 0.0:
        converged = False
        message = (
            "did not converge: every customer made the first purchase on the observation end "
            "date (T = 0), so the data carry no information about repeat purchasing; the "
            "estimates must not be used."
        )
    else:
        converged = opt.converged
    return BgNbdFit(
        params=BgNbdParams(r=r, alpha=alpha, a=a, b=b),
        log_likelihood=opt.mean_log_likelihood * total,
        converged=converged,
        n_customers=round(total),
        message=message,
    )


# --------------------------------------------------------------------------- expectations


def _log_alive_denominator(
    theta: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """ln D with D = 1 + delta * a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)."""
    r, alpha, a, b = theta
    x, tx, T = np.broadcast_arrays(x, tx, T)
    log_term = np.full(x.shape, -np.inf)
    p = x > 0
    log_term[p] = (
        np.log(a)
        - np.log(b + x[p] - 1.0)
        + (r + x[p]) * (np.log(alpha + T[p]) - np.log(alpha + tx[p]))
    )
    return np.logaddexp(0.0, log_term)


def probability_alive(
    params: BgNbdParams, frequency: object, recency: object, T: object
) -> np.ndarray:
    """P(alive | x, t_x, T) = 1/D (Fader, Hardie & Lee 2008 note); exactly 1 when x = 0."""
    x, tx, age = _customer_arrays(frequency, recency, T)
    return np.exp(-_log_alive_denominator(params.as_array(), x, tx, age))


def _one_minus_h(log_scale: np.ndarray, f: np.ndarray) -> np.ndarray:
    """1 - exp(log_scale) * f, without cancellation when the product is close to 1.

    f (a 2F1 value) is negative when a+b+x-1 < 0 (x = 0 and a + b < 1); then there is no
    cancellation and the product is used directly.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        positive = -np.expm1(log_scale + np.log(np.where(f > 0, f, 1.0)))
        other = 1.0 - np.exp(log_scale) * f
    return np.where(f > 0, positive, other)


def _one_minus_h_euler(theta: np.ndarray, x, T, t) -> np.ndarray:
    """1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z), z = t/(alpha+T+t) (Euler form)."""
    r, alpha, a, b = theta
    z = t / (alpha + T + t)
    f = special.hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
    return _one_minus_h((a - 1.0) * np.log1p(-z), f)


def _one_minus_h_paper(theta: np.ndarray, x, T, t) -> np.ndarray:
    """1 - (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z) (FHL eq. 10 as printed)."""
    r, alpha, a, b = theta
    z = t / (alpha + T + t)
    f = special.hyp2f1(r + x, b + x, a + b + x - 1.0, z)
    return _one_minus_h((r + x) * np.log1p(-z), f)


def _expected_by_quadrature(theta: np.ndarray, x: float, T: float, t: float) -> float:
    """E[Y(t) | alive, x, T] by adaptive quadrature over the Beta(a, b+x) quantile of p.

    E[Y(t) | alive] = int_0^1 h(F^-1(u)) du with F the Beta(a, b+x) CDF and
    h(p) = [1 - (1 + p t/(alpha+T))^-(r+x)] / p, a bounded monotone function, so the
    integrand has no singularity whatever a and b+x are.
    """
    r, alpha, a, b = theta
    if t == 0:
        return 0.0
    rate = t / (alpha + T)
    shape = r + x

    def h(u: float) -> float:
        p = float(special.betaincinv(a, b + x, u))
        if p <= 0.0:
            return shape * rate
        return float(-np.expm1(-shape * np.log1p(p * rate)) / p)

    # h changes from (r+x) rate to 1/p around p = 1/rate: give quad those quantiles as breaks.
    breaks = sorted(
        {float(special.betainc(a, b + x, min(c / rate, 1.0))) for c in (0.01, 0.1, 1.0, 10.0)}
        - {0.0, 1.0}
    )
    value, _ = integrate.quad(
        h, 0.0, 1.0, points=breaks or None, limit=400, epsabs=0.0, epsrel=1e-10
    )
    return float(value)


def _expected_given_alive(theta: np.ndarray, x, T, t, *, near_one_checked: bool = False):
    """E[Y(t) | alive, x, T]: E[Y(t) | x, t_x, T] without its P(alive) factor, which is all
    of it that depends on t_x. So customers with the same x and T share it (at scale 1,
    3,995 (x, T) pairs for 37,129 distinct (x, t_x, T))."""
    r, alpha, a, b = theta
    if abs(a - 1.0) < _A_NEAR_ONE and not near_one_checked:
        lo = np.array([r, alpha, 1.0 - _A_NEAR_ONE, b])
        hi = np.array([r, alpha, 1.0 + _A_NEAR_ONE, b])
        e_lo = _expected_given_alive(lo, x, T, t, near_one_checked=True)
        e_hi = _expected_given_alive(hi, x, T, t, near_one_checked=True)
        weight = (a - (1.0 - _A_NEAR_ONE)) / (2.0 * _A_NEAR_ONE)
        return e_lo + weight * (e_hi - e_lo)
    x, T, t = np.broadcast_arrays(x, T, t)
    lead = (a + b + x - 1.0) / (a - 1.0)
    # Bounds of E[Y(t) | alive] = E[(1 - exp(-lambda p t))/p | alive]: given alive, lambda ~
    # Gamma(r+x, alpha+T) and p ~ Beta(a, b+x), so E <= t (r+x)/(alpha+T), and
    # E <= E[1/p | alive] = (a+b+x-1)/(a-1) when a > 1.
    bound = t * (r + x) / (alpha + T)
    if a > 1.0:
        bound = np.minimum(bound, lead)
    upper = bound * (1.0 + 1e-8) + 1e-300

    def evaluate(one_minus_h: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", over="ignore"):
            return lead * one_minus_h

    def bad(values: np.ndarray) -> np.ndarray:
        return ~np.isfinite(values) | (values < -1e-12 * upper) | (values > upper)

    with np.errstate(all="ignore"):
        out = evaluate(_one_minus_h_euler(theta, x, T, t))
    todo = bad(out)
    if todo.any():
        with np.errstate(all="ignore"):
            alt = evaluate(_one_minus_h_paper(theta, x[todo], T[todo], t[todo]))
        out[todo] = alt
        todo = bad(out)
    if todo.any():
        for i in zip(*np.nonzero(todo), strict=True):
            out[i] = _expected_by_quadrature(theta, x[i], T[i], t[i])
    out = np.clip(out, 0.0, None)
    out[t == 0] = 0.0
    return out


def _expected_core(theta: np.ndarray, x, tx, T, t) -> np.ndarray:
    """E[Y(t) | x, t_x, T] = P(alive | x, t_x, T) * E[Y(t) | alive, x, T]."""
    x, tx, T, t = np.broadcast_arrays(x, tx, T, t)
    return np.exp(-_log_alive_denominator(theta, x, tx, T)) * _expected_given_alive(theta, x, T, t)


def expected_purchases(
    params: BgNbdParams, t: object, frequency: object, recency: object, T: object
) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: expected repeat purchases in the next ``t`` time units (FHL eq. 10).

    ``t`` may be a scalar, one horizon per customer, or several horizons for one customer.
    See the module docstring for how the hypergeometric function is evaluated.
    """
    x, tx, age = _customer_arrays(frequency, recency, T)
    horizon = _times(t)
    if horizon.size not in (1, x.size) and x.size != 1:
        raise InvalidInputError(
            f"t has {horizon.size} values for {x.size} customers; pass one horizon, one per "
            "customer, or several horizons for one customer."
        )
    return _expected_core(params.as_array(), x, tx, age, horizon)


def expected_purchases_unconditional(params: BgNbdParams, t: object) -> np.ndarray:
    """E[X(t)]: expected repeat purchases of a new customer in ``t`` time units (FHL eq. 9)."""
    horizon = _times(t)
    zeros = np.zeros_like(horizon)
    return _expected_core(params.as_array(), zeros, zeros, zeros, horizon)


# --------------------------------------------------------------------------- simulation


def simulate_bgnbd(
    n: int,
    T: object,
    r: float,
    alpha: float,
    a: float,
    b: float,
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Simulate ``n`` customers from the BG/NBD model, each observed for ``T`` time units.

    ``T`` is a scalar or one age per customer. For each customer lambda ~ Gamma(r, alpha) and
    p ~ Beta(a, b); N ~ Poisson(lambda T) purchase opportunities fall uniformly in (0, T];
    the customer drops out after repeat purchase J ~ Geometric(p) (J >= 1), so
    x = min(N, J) and, for x > 0, the x-th of N uniform order statistics gives
    t_x = T * Beta(x, N - x + 1). Returns columns frequency, recency, T, lambda_, p_ and
    alive (still alive at T).
    """
    BgNbdParams(r=r, alpha=alpha, a=a, b=b)
    if int(n) < 0:
        raise InvalidInputError(f"n must be >= 0, got {n!r}.")
    n = int(n)
    rng = np.random.default_rng(seed)
    age = np.broadcast_to(as_float_array(T, "T"), (n,)).astype(float)
    check_finite(age, "T")
    check_non_negative(age, "T")
    lam = rng.gamma(shape=r, scale=1.0 / alpha, size=n)
    p = rng.beta(a, b, size=n)
    opportunities = rng.poisson(lam * age)
    # Geometric(p) on {1, 2, ...} by inversion; stable when p is tiny.
    u = rng.random(n)
    with np.errstate(divide="ignore"):
        j_float = np.ceil(np.log1p(-u) / np.log1p(-np.clip(p, 1e-300, 1.0 - 1e-16)))
    dropout_after = np.minimum(np.maximum(j_float, 1.0), 2.0**62).astype(np.int64)
    x = np.minimum(opportunities, dropout_after)
    recency = np.zeros(n)
    pos = x > 0
    recency[pos] = age[pos] * rng.beta(x[pos], opportunities[pos] - x[pos] + 1)
    return pd.DataFrame(
        {
            "frequency": x.astype(np.int64),
            "recency": recency,
            "T": age,
            "lambda_": lam,
            "p_": p,
            "alive": dropout_after > opportunities,
        }
    )
