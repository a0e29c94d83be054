r"""Gamma-Gamma model of the average value of repeat transactions.

Reference: P. S. Fader and B. G. S. Hardie, "The Gamma-Gamma Model of Monetary Value",
February 2013 (http://brucehardie.com/notes/025/), building on Fader, Hardie & Lee (2005),
"RFM and CLV: Using Iso-Value Curves for Customer Base Analysis", JMR 42(4).

Model. A customer's transaction values are i.i.d. Gamma(p, nu) (shape p, rate nu) and
nu ~ Gamma(q, gamma) (shape q, rate gamma) across customers. Only the mean m_x of a
customer's x > 0 repeat transactions is observed; it is Gamma(p x, nu x). Integrating nu out
gives the density of m_x given x::

    f(m_x | p, q, gamma; x) = Gamma(p x + q) / (Gamma(p x) Gamma(q))
                              * gamma^q x^(p x) m_x^(p x - 1) / (gamma + x m_x)^(p x + q)

so the log-likelihood of one customer is::

    lnGamma(px+q) - lnGamma(px) - lnGamma(q) + q ln(gamma) + (px-1) ln(m_x) + px ln(x)
    - (px+q) ln(gamma + x m_x).

Conditional expected average transaction value::

    E[M | p, q, gamma; m_x, x] = p (gamma + x m_x) / (p x + q - 1)
        = (q-1)/(px+q-1) * p gamma/(q-1) + px/(px+q-1) * m_x,

a weighted mean of the population mean p gamma/(q-1) (finite only when q > 1) and the
customer's own mean m_x. For x = 0 it is the population mean.

The model assumes that spend is independent of the purchase process (check the correlation
of frequency and monetary value on the data). The fit uses only customers with x > 0 and
m_x > 0: a zero mean has zero density under a gamma distribution.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import special

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
from .errors import (
    FitNotConvergedError,
    InvalidInputError,
    ModelDomainError,
    NoRepeatCustomersError,
)

__all__ = [
    "GammaGammaFit",
    "GammaGammaParams",
    "conditional_expected_average_spend",
    "fit_gamma_gamma",
    "log_likelihood",
    "log_likelihood_per_customer",
    "population_mean_spend",
    "simulate_spend",
]


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma-Gamma parameters: spend ~ Gamma(p, nu), nu ~ Gamma(q, gamma)."""

    p: float
    q: float
    gamma: float

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not (np.isfinite(value) and value > 0):
                raise InvalidInputError(
                    f"Gamma-Gamma parameter {name} must be a positive finite number, got {value!r}."
                )

    def as_array(self) -> np.ndarray:
        return np.array([self.p, self.q, self.gamma], dtype=float)


@dataclass(frozen=True)
class GammaGammaFit:
    """Result of :func:`fit_gamma_gamma`; ``n_customers`` counts the customers fitted on."""

    params: GammaGammaParams
    log_likelihood: float
    converged: bool
    n_customers: int
    message: str

    def require_converged(self) -> GammaGammaParams:
        """The parameters, or :class:`FitNotConvergedError` if the fit did not converge."""
        if not self.converged:
            raise FitNotConvergedError(
                f"The Gamma-Gamma fit on {self.n_customers} repeat customers {self.message} "
                "Refit on more repeat customers before scoring."
            )
        return self.params


def _spend_arrays(frequency: object, monetary_value: object) -> tuple[np.ndarray, np.ndarray]:
    x = as_float_array(frequency, "frequency")
    m = as_float_array(monetary_value, "monetary_value")
    if x.shape != m.shape:
        raise InvalidInputError(
            f"frequency and monetary_value have different lengths ({x.size}, {m.size}); pass "
            "one value per customer."
        )
    check_frequency(x)
    check_finite(m, "monetary_value")
    check_non_negative(m, "monetary_value")
    return x, m


def _ll_terms(
    theta: np.ndarray, x: np.ndarray, m: np.ndarray, with_grad: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    p, q, g = theta
    px = p * x
    log_gxm = np.log(g + x * m)
    ll = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(g)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_gxm
    )
    if not with_grad:
        return ll, None
    psi_pxq = special.digamma(px + q)
    d_p = x * (psi_pxq - special.digamma(px) + np.log(m) + np.log(x) - log_gxm)
    d_q = psi_pxq - special.digamma(q) + np.log(g) - log_gxm
    d_g = q / g - (px + q) / (g + x * m)
    return ll, np.stack([d_p, d_q, d_g])


def log_likelihood_per_customer(
    params: GammaGammaParams, frequency: object, monetary_value: object
) -> np.ndarray:
    """Log-density of each customer's mean spend m_x given x (needs x > 0 and m_x > 0)."""
    x, m = _spend_arrays(frequency, monetary_value)
    bad = (x <= 0) | (m <= 0)
    if bad.any():
        raise InvalidInputError(
            f"{int(bad.sum())} customer(s) have no repeat purchase or a zero monetary value "
            f"(first at position {int(np.argmax(bad))}); the Gamma-Gamma likelihood is defined "
            "only for frequency > 0 and monetary_value > 0: filter them out first."
        )
    ll, _ = _ll_terms(params.as_array(), x, m, with_grad=False)
    return ll


def log_likelihood(
    params: GammaGammaParams, frequency: object, monetary_value: object, weights: object = None
) -> float:
    ll = log_likelihood_per_customer(params, frequency, monetary_value)
    w = check_weights(weights, ll.size)
    return float(ll.sum() if w is None else (w * ll).sum())


def fit_gamma_gamma(
    frequency: object,
    monetary_value: object,
    *,
    weights: object = None,
    n_best_starts: int = 3,
    maxiter: int = 2000,
) -> GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma fit on the customers with x > 0 and m_x > 0.

    Other rows (no repeat purchase, or a zero mean spend) are ignored. Raises
    :class:`EmptyInputError` for an empty input and :class:`NoRepeatCustomersError` when no
    row is usable. A fit that does not converge is returned with ``converged=False``.
    """
    x, m = _spend_arrays(frequency, monetary_value)
    w = check_weights(weights, x.size)
    check_not_empty(x.size, "fit the Gamma-Gamma model to")
    usable = (x > 0) & (m > 0)
    if w is not None:
        usable &= w > 0
    if not usable.any():
        raise NoRepeatCustomersError(
            f"None of the {x.size} customers has a repeat purchase with a positive monetary "
            "value, so the Gamma-Gamma spend model cannot be fit (the BG/NBD model still can). "
            "Use a longer observation period, or score spend without the model."
        )
    x, m = x[usable], m[usable]
    w = None if w is None else w[usable]
    (x, m), w = aggregate_rows([x, m], w)
    total = float(w.sum())

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(theta)
        ll, grad = _ll_terms(params, x, m, with_grad=True)
        value = -float(w @ ll) / total
        if not np.isfinite(value):
            return np.inf, np.zeros(3)
        return value, -(grad @ w) / total * params

    # Starting grid: gamma is set so that the population mean p gamma/(q-1) matches the data.
    mean_spend = float(w @ m) / total
    starts = [
        (p0, q0, mean_spend * (q0 - 1.0) / p0 * s)
        for p0 in (0.5, 2.0, 8.0)
        for q0 in (1.5, 3.0, 8.0)
        for s in (0.5, 1.0, 2.0)
    ]
    opt = maximise_log_likelihood(
        objective, starts, ("p", "q", "gamma"), n_best_starts=n_best_starts, maxiter=maxiter
    )
    p, q, g = (float(v) for v in opt.params)
    return GammaGammaFit(
        params=GammaGammaParams(p=p, q=q, gamma=g),
        log_likelihood=opt.mean_log_likelihood * total,
        converged=opt.converged,
        n_customers=round(total),
        message=opt.message,
    )


def population_mean_spend(params: GammaGammaParams) -> float:
    """E[Z] = p gamma / (q - 1); raises :class:`ModelDomainError` when q <= 1 (infinite)."""
    if params.q <= 1.0:
        raise ModelDomainError(
            f"The fitted Gamma-Gamma q = {params.q:.4g} is <= 1, so the population mean spend "
            "p*gamma/(q-1) is infinite and customers without a repeat purchase cannot be "
            "scored; check the monetary values for extreme outliers."
        )
    return params.p * params.gamma / (params.q - 1.0)


def conditional_expected_average_spend(
    params: GammaGammaParams, frequency: object, monetary_value: object
) -> np.ndarray:
    """E[M | m_x, x] = p (gamma + x m_x) / (p x + q - 1).

    Customers with x = 0 get the population mean p gamma/(q-1); their monetary_value is
    ignored. Zero spend with x > 0 is valid and shrinks the customer towards zero.
    """
    x, m = _spend_arrays(frequency, monetary_value)
    p, q, g = params.as_array()
    out = np.empty_like(x)
    pos = x > 0
    if (~pos).any():
        out[~pos] = population_mean_spend(params)
    denom = p * x[pos] + q - 1.0
    if (denom <= 0).any():
        raise ModelDomainError(
            f"The fitted Gamma-Gamma parameters (p = {p:.4g}, q = {q:.4g}) give p*x + q <= 1 for "
            "some customers, so their expected spend is infinite; check the monetary values "
            "for extreme outliers."
        )
    out[pos] = p * (g + x[pos] * m[pos]) / denom
    return out


def simulate_spend(
    frequency: object,
    p: float,
    q: float,
    gamma: float,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Simulate the mean repeat-transaction value m_x of customers with the given frequency.

    nu ~ Gamma(q, rate gamma) per customer and m_x | nu ~ Gamma(p x, rate nu x) (the mean of
    x Gamma(p, nu) values); customers with x = 0 get 0, as in the purchase summary.
    """
    GammaGammaParams(p=p, q=q, gamma=gamma)
    x = as_float_array(frequency, "frequency")
    check_frequency(x)
    rng = np.random.default_rng(seed)
    nu = rng.gamma(shape=q, scale=1.0 / gamma, size=x.size)
    out = np.zeros(x.size)
    pos = x > 0
    out[pos] = rng.gamma(shape=p * x[pos], scale=1.0 / (nu[pos] * x[pos]))
    return out
