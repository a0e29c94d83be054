"""Helpers shared by the BG/NBD and Gamma-Gamma fits: input checks and the optimiser."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from .errors import EmptyInputError, InvalidInputError

# Search range of every parameter, on the natural scale. The optimiser works on the log
# scale inside [log(LOWER), log(UPPER)]; a fit that ends on either edge is not converged.
PARAM_LOWER = 1e-6
PARAM_UPPER = 1e6
_LOG_BOUNDS = (float(np.log(PARAM_LOWER)), float(np.log(PARAM_UPPER)))
# Distance (log scale) from an edge under which a parameter counts as "on the edge".
_EDGE_TOL = 1e-3
# Largest |d mean-log-likelihood / d log-parameter| accepted at a converged optimum.
GRADIENT_TOL = 1e-4
# The Hessian of the mean log-likelihood (log-parameters) at a converged optimum must be
# negative definite with every eigenvalue below -CURVATURE_TOL; a flatter direction means the
# data do not identify that combination of parameters. (Well-identified BG/NBD fits have
# eigenvalues of order -1e-3 to -1, whatever the number of customers.)
CURVATURE_TOL = 1e-6
_HESSIAN_STEP = 1e-4


def _max_curvature(
    neg_mean_ll_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]], theta: np.ndarray
) -> float:
    """Largest eigenvalue of the Hessian of the mean log-likelihood at ``theta``.

    Central differences of the analytic gradient, symmetrised.
    """
    k = theta.size
    hessian = np.empty((k, k))
    for i in range(k):
        step = np.zeros(k)
        step[i] = _HESSIAN_STEP
        hessian[:, i] = (
            neg_mean_ll_and_grad(theta + step)[1] - neg_mean_ll_and_grad(theta - step)[1]
        ) / (2 * _HESSIAN_STEP)
    hessian = -(hessian + hessian.T) / 2
    if not np.all(np.isfinite(hessian)):
        return float("inf")
    return float(np.max(np.linalg.eigvalsh(hessian)))


def as_float_array(values: object, name: str) -> np.ndarray:
    """One-dimensional float64 array of ``values``; a clear error if it is not numeric."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(
            f"Column {name} must be numeric; convert it to a number before calling the CLV "
            f"library ({exc})."
        ) from exc
    return np.atleast_1d(array)


def check_finite(array: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(array)
    if bad.any():
        raise InvalidInputError(
            f"{int(bad.sum())} value(s) of {name} are missing, NaN or infinite (first at "
            f"position {int(np.argmax(bad))}); fill or drop those customers before fitting."
        )


def check_non_negative(array: np.ndarray, name: str) -> None:
    bad = array < 0
    if bad.any():
        raise InvalidInputError(
            f"{int(bad.sum())} value(s) of {name} are negative (first at position "
            f"{int(np.argmax(bad))}, value {array[np.argmax(bad)]!r}); {name} must be >= 0."
        )


def check_not_empty(n: int, what: str) -> None:
    if n == 0:
        raise EmptyInputError(
            f"There is no customer to {what}: the input has no rows. Check that the purchase "
            "summary was built and is not filtered to nothing."
        )


def check_frequency(frequency: np.ndarray) -> None:
    check_finite(frequency, "frequency")
    check_non_negative(frequency, "frequency")
    bad = frequency != np.round(frequency)
    if bad.any():
        raise InvalidInputError(
            f"{int(bad.sum())} value(s) of frequency are not whole numbers (first at position "
            f"{int(np.argmax(bad))}); frequency counts repeat purchases and must be an integer."
        )


def aggregate_rows(
    columns: Sequence[np.ndarray], weights: np.ndarray | None
) -> tuple[list[np.ndarray], np.ndarray]:
    """Collapse identical rows of ``columns`` into unique rows with summed weights."""
    stacked = np.column_stack(columns)
    unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    w = np.ones(stacked.shape[0]) if weights is None else weights
    summed = np.bincount(inverse, weights=w, minlength=unique.shape[0])
    return [unique[:, j].copy() for j in range(unique.shape[1])], summed


def check_weights(weights: object, n: int) -> np.ndarray | None:
    if weights is None:
        return None
    w = as_float_array(weights, "weights")
    if w.shape != (n,):
        raise InvalidInputError(
            f"weights has {w.shape[0]} values for {n} customers; pass one weight per customer."
        )
    check_finite(w, "weights")
    check_non_negative(w, "weights")
    return w


@dataclass(frozen=True)
class OptimumResult:
    params: np.ndarray  # natural scale
    mean_log_likelihood: float
    converged: bool
    message: str


def maximise_log_likelihood(
    neg_mean_ll_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    starts: Sequence[Sequence[float]],
    names: Sequence[str],
    *,
    n_best_starts: int = 3,
    maxiter: int = 2000,
) -> OptimumResult:
    """Maximise a mean log-likelihood over log-parameters from several starting points.

    ``neg_mean_ll_and_grad(theta)`` takes the log-parameters and returns the negative mean
    log-likelihood and its gradient with respect to ``theta``. Every start of ``starts``
    (natural scale) is evaluated, L-BFGS-B runs from the ``n_best_starts`` best of them, is
    restarted once from the best end point when that has no small gradient yet, and
    Nelder-Mead polishes it when it is still not small (unless a parameter is on an edge).
    The result is converged when the best end point has a finite likelihood, a gradient
    below ``GRADIENT_TOL``, no parameter on the edge of the search range and a negative
    definite Hessian (every eigenvalue below ``-CURVATURE_TOL``).
    """
    lo, hi = _LOG_BOUNDS
    thetas = [np.clip(np.log(np.asarray(s, dtype=float)), lo, hi) for s in starts]
    values = []
    for theta in thetas:
        value, _ = neg_mean_ll_and_grad(theta)
        values.append(value if np.isfinite(value) else np.inf)
    order = np.argsort(values, kind="stable")[: max(1, n_best_starts)]

    bounds = [(lo, hi)] * len(names)
    best = _best_lbfgsb_fit(neg_mean_ll_and_grad, [thetas[i] for i in order], bounds, maxiter)
    if best is None:
        return OptimumResult(
            params=np.exp(thetas[order[0]]),
            mean_log_likelihood=float("nan"),
            converged=False,
            message="the log-likelihood is not finite at any starting point; check the input",
        )
    theta, value, grad = _polish(
        neg_mean_ll_and_grad, np.asarray(best.x, dtype=float), bounds, maxiter
    )
    problems = _convergence_problems(neg_mean_ll_and_grad, names, theta, value, grad, best)
    grad_max = float(np.max(np.abs(grad)))
    if not problems:
        message = f"converged: gradient {grad_max:.1e} after {best.nit} iterations"
    else:
        message = (
            "did not converge: "
            + "; ".join(problems)
            + ". The data may not identify the parameters (too few customers or repeat "
            "purchases); the estimates must not be used."
        )
    return OptimumResult(
        params=np.exp(theta),
        mean_log_likelihood=float(-value),
        converged=not problems,
        message=message,
    )


def _best_lbfgsb_fit(
    neg_mean_ll_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    thetas: Sequence[np.ndarray],
    bounds: list[tuple[float, float]],
    maxiter: int,
) -> optimize.OptimizeResult | None:
    """L-BFGS-B from each of ``thetas``: the end point with the lowest finite value (the
    first of equals), or None when no run ends at a finite value."""
    best: optimize.OptimizeResult | None = None
    for theta in thetas:
        res = optimize.minimize(
            neg_mean_ll_and_grad,
            theta,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": maxiter, "ftol": 1e-14, "gtol": 1e-9, "maxcor": 20},
        )
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    return best


def _polish(
    neg_mean_ll_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    theta: np.ndarray,
    bounds: list[tuple[float, float]],
    maxiter: int,
) -> tuple[np.ndarray, float, np.ndarray]:
    """From an L-BFGS-B end point whose gradient is not small yet: a restart of L-BFGS-B,
    then a Nelder-Mead polish (unless a parameter is on an edge); each is kept only when it
    is no worse. Returns the end point, its value and its gradient."""
    lo, hi = _LOG_BOUNDS
    value, grad = neg_mean_ll_and_grad(theta)
    if not (np.max(np.abs(grad)) < GRADIENT_TOL):
        # L-BFGS-B can stop on a line-search failure in a flat valley: restart it from there,
        # then try a derivative-free polish.
        res = optimize.minimize(
            neg_mean_ll_and_grad,
            theta,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": maxiter, "ftol": 1e-15, "gtol": 1e-10, "maxcor": 30},
        )
        if np.isfinite(res.fun) and res.fun <= value:
            theta = np.asarray(res.x, dtype=float)
            value, grad = neg_mean_ll_and_grad(theta)
    on_edge = bool(np.any((theta <= lo + _EDGE_TOL) | (theta >= hi - _EDGE_TOL)))
    if not (np.max(np.abs(grad)) < GRADIENT_TOL) and not on_edge:
        res = optimize.minimize(
            lambda th: neg_mean_ll_and_grad(np.clip(th, lo, hi))[0],
            theta,
            method="Nelder-Mead",
            options={"maxiter": 2 * maxiter, "xatol": 1e-10, "fatol": 1e-14},
        )
        cand = np.clip(np.asarray(res.x, dtype=float), lo, hi)
        cand_value, cand_grad = neg_mean_ll_and_grad(cand)
        if np.isfinite(cand_value) and cand_value <= value:
            theta, value, grad = cand, cand_value, cand_grad
    return theta, value, grad


def _convergence_problems(
    neg_mean_ll_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    names: Sequence[str],
    theta: np.ndarray,
    value: float,
    grad: np.ndarray,
    best: optimize.OptimizeResult,
) -> list[str]:
    """Why the end point is not a trustworthy maximum, one sentence part each; none when it
    has a finite value, a small gradient, no parameter on an edge and a negative definite
    Hessian."""
    lo, hi = _LOG_BOUNDS
    on_lower = [n for n, th in zip(names, theta, strict=True) if th <= lo + _EDGE_TOL]
    on_upper = [n for n, th in zip(names, theta, strict=True) if th >= hi - _EDGE_TOL]
    grad_max = float(np.max(np.abs(grad)))
    problems = []
    if on_lower:
        problems.append(
            f"{', '.join(on_lower)} reached the lower edge {PARAM_LOWER:g} of the search range"
        )
    if on_upper:
        problems.append(
            f"{', '.join(on_upper)} reached the upper edge {PARAM_UPPER:g} of the search range"
        )
    if not np.isfinite(value):
        problems.append("the log-likelihood is not finite at the end point")
    elif not grad_max < GRADIENT_TOL:
        problems.append(
            f"the gradient is still {grad_max:.2e} (tolerance {GRADIENT_TOL:.0e}) "
            f"after {best.nit} iterations ({best.message})"
        )
    if not problems:
        curvature = _max_curvature(neg_mean_ll_and_grad, theta)
        if not curvature < -CURVATURE_TOL:
            problems.append(
                "the log-likelihood is flat along some direction at the end point (largest "
                f"Hessian eigenvalue {curvature:.1e}), so the data do not identify every "
                "parameter"
            )
    return problems
