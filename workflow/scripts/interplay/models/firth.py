"""Firth-penalised logistic regression (Firth 1993; Heinze & Schemper 2002), fitted as R's logistf.

The log-likelihood is penalised by half the log-determinant of the Fisher information (Jeffreys
prior), which removes the O(1/n) bias of the maximum-likelihood estimates and keeps them finite
under separation. Fitting is logistf's modified-score Newton–Raphson with a capped step and step
halving; the covariance is the inverse Fisher information at the estimate, as logistf reports it;
confidence limits come from the profile penalised likelihood, logistf's default.

`fit_firth` is the "firth" estimator of interplay.models.logistic: give it the design matrix
(intercept column included) and the 0/1 outcome; coefficients are log odds ratios.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

from interplay.models.distributions import chi2_quantile

PENALTY_WEIGHT = 0.5  # tau: Jeffreys prior, |I(beta)|^(1/2) (Firth 1993)
MAX_STEP = 5.0  # largest change of any coefficient in one iteration (logistf.control maxstep)
MAX_HALVINGS = 25  # step halvings per iteration while the penalised log-likelihood drops
ROUNDING_SLACK = 1e-12  # relative drop of the log-likelihood that is floating-point noise
MAX_BRACKET_DOUBLINGS = 40  # how far profile_ci walks out looking for the confidence limit


@dataclass(frozen=True)
class FirthFit:
    """A Firth fit: log-odds coefficients, covariance, penalised log-likelihood, convergence.

    params: coefficients in the order of the design matrix's columns.
    covariance: inverse Fisher information at params (logistf's vcov); Wald limits use its diagonal.
    loglik: penalised log-likelihood, log L(params) + 0.5 log|I(params)|.
    converged: whether the score and the last step fell below the tolerance within max_iter.
    iterations: Newton–Raphson iterations used.
    """

    params: np.ndarray
    covariance: np.ndarray
    loglik: float
    converged: bool
    iterations: int


@dataclass(frozen=True)
class _Evaluation:
    """The penalised log-likelihood at one coefficient vector, with what the next step needs."""

    loglik: float
    fisher: np.ndarray
    probabilities: np.ndarray


def _checked_inputs(
    design: np.ndarray, outcome: np.ndarray, weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Design, outcome and case weights as float arrays; refuse shapes or values that cannot fit."""
    design = np.asarray(design, dtype=float)
    outcome = np.asarray(outcome, dtype=float)
    weights = np.ones(len(outcome)) if weights is None else np.asarray(weights, dtype=float)
    if design.ndim != 2 or outcome.ndim != 1 or len(design) != len(outcome):
        raise ValueError("design must be n x k and outcome a vector of length n")
    if weights.shape != outcome.shape:
        raise ValueError("weights must be a vector as long as the outcome")
    if not np.isin(outcome, (0.0, 1.0)).all():
        raise ValueError("outcome must be 0 or 1")
    if not (np.isfinite(design).all() and np.isfinite(weights).all() and (weights >= 0).all()):
        raise ValueError("design and weights must be finite, weights non-negative")
    return design, outcome, weights


def _evaluate(
    design: np.ndarray, outcome: np.ndarray, weights: np.ndarray, params: np.ndarray
) -> _Evaluation:
    """Penalised log-likelihood sum w (y eta - log(1 + e^eta)) + 0.5 log|X'WX| at params."""
    eta = design @ params
    probabilities = special.expit(eta)
    loglik = float(np.sum(weights * (outcome * eta - np.logaddexp(0.0, eta))))
    fisher = design.T @ (design * (weights * probabilities * (1.0 - probabilities))[:, None])
    sign, logdet = np.linalg.slogdet(fisher)
    penalised = loglik + PENALTY_WEIGHT * logdet if sign > 0 else -np.inf
    return _Evaluation(penalised, fisher, probabilities)


def _modified_score(
    design: np.ndarray, outcome: np.ndarray, weights: np.ndarray, at: _Evaluation
) -> np.ndarray:
    """Firth's modified score X'(w(y - p) + h(1/2 - p)), h the hat-matrix diagonal (HS 2002)."""
    p = at.probabilities
    root_w = np.sqrt(weights * p * (1.0 - p))[:, None] * design
    hat = np.einsum("ij,ij->i", root_w @ np.linalg.inv(at.fisher), root_w)
    return design.T @ (weights * (outcome - p) + hat * (PENALTY_WEIGHT - p))


def _maximise(
    design: np.ndarray,
    outcome: np.ndarray,
    weights: np.ndarray,
    start: np.ndarray,
    free: np.ndarray,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, _Evaluation, bool, int]:
    """Newton–Raphson on the free coefficients (the others held at start), as logistf.fit does."""
    params = start.copy()
    current = _evaluate(design, outcome, weights, params)
    for iteration in range(1, max_iter + 1):
        score = _modified_score(design, outcome, weights, current)[free]
        step = np.zeros_like(params)
        step[free] = np.linalg.solve(current.fisher[np.ix_(free, free)], score)
        largest = np.max(np.abs(step))
        if largest > MAX_STEP:
            step *= MAX_STEP / largest
        candidate = _evaluate(design, outcome, weights, params + step)
        # Halve while the penalised log-likelihood drops by more than rounding noise.
        floor = current.loglik - ROUNDING_SLACK * (1.0 + abs(current.loglik))
        for _ in range(MAX_HALVINGS):
            if candidate.loglik >= floor:
                break
            step /= 2.0
            candidate = _evaluate(design, outcome, weights, params + step)
        params, current = params + step, candidate
        if np.max(np.abs(score)) <= tol and np.max(np.abs(step)) <= tol:
            return params, current, True, iteration
    return params, current, False, max_iter


def fit_firth(
    design: np.ndarray,
    outcome: np.ndarray,
    weights: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 1e-8,
) -> FirthFit:
    """Firth-penalised logistic regression of a 0/1 outcome on a design matrix (with intercept).

    weights are case (frequency) weights, as logistf's: a row of weight 3 counts as three rows.
    """
    design, outcome, weights = _checked_inputs(design, outcome, weights)
    if np.linalg.matrix_rank(design[weights > 0]) < design.shape[1]:
        raise ValueError("the design matrix is rank-deficient (collinear or constant columns)")
    free = np.ones(design.shape[1], dtype=bool)
    params, at, converged, iterations = _maximise(
        design, outcome, weights, np.zeros(design.shape[1]), free, max_iter, tol
    )
    return FirthFit(params, np.linalg.inv(at.fisher), at.loglik, converged, iterations)


def _constrained_loglik(
    design: np.ndarray,
    outcome: np.ndarray,
    weights: np.ndarray,
    start: np.ndarray,
    fixed: np.ndarray,
) -> float:
    """Largest penalised log-likelihood with the fixed coefficients held at their start values.

    The penalty stays that of the full design, as in logistf's profile and likelihood-ratio tests.
    """
    free = np.ones(len(start), dtype=bool)
    free[fixed] = False
    _, at, _, _ = _maximise(design, outcome, weights, start, free, max_iter=100, tol=1e-9)
    return at.loglik


def penalised_lr_statistic(
    design: np.ndarray,
    outcome: np.ndarray,
    index: int,
    weights: np.ndarray | None = None,
) -> float:
    """Penalised likelihood-ratio chi-square (1 df) for coefficient index = 0, as logistf tests.

    Twice the drop of the penalised log-likelihood when the coefficient is held at zero and the
    others are refitted under the full-model penalty (Heinze & Schemper 2002).
    """
    design, outcome, weights = _checked_inputs(design, outcome, weights)
    fit = fit_firth(design, outcome, weights)
    start = fit.params.copy()
    start[index] = 0.0
    restricted = _constrained_loglik(design, outcome, weights, start, np.array([index]))
    return 2.0 * (fit.loglik - restricted)


def _limit(excess: Callable[[float], float], estimate: float, width: float) -> float:
    """The root of excess beyond the estimate in the direction of width's sign (inf if none)."""
    # Imported here: scipy.optimize adds 0.1 s to the start of every job that imports the models,
    # and only Firth's profile intervals need it.
    from scipy import optimize

    inner = estimate
    for _ in range(MAX_BRACKET_DOUBLINGS):
        outer = estimate + width
        if excess(outer) > 0.0:
            return optimize.brentq(excess, inner, outer, xtol=1e-10, rtol=1e-12)
        inner, width = outer, 2.0 * width
    return float(np.copysign(np.inf, width))


def profile_ci(
    design: np.ndarray,
    outcome: np.ndarray,
    index: int,
    level: float = 0.95,
    weights: np.ndarray | None = None,
) -> tuple[float, float]:
    """Profile penalised-likelihood confidence limits (log-odds) of one coefficient, as logistf.

    The limits are where twice the drop of the profile penalised log-likelihood reaches the
    chi-square(1) quantile of the level (Heinze & Schemper 2002); logistf finds the same points by
    Venzon–Moolgavkar iteration, this by bracketing and Brent's method.
    """
    design, outcome, weights = _checked_inputs(design, outcome, weights)
    fit = fit_firth(design, outcome, weights)
    threshold = chi2_quantile(level, df=1)

    def excess(value: float) -> float:
        """How far the penalised LR statistic at value exceeds the chi-square cut-off."""
        start = fit.params.copy()
        start[index] = value
        profile = _constrained_loglik(design, outcome, weights, start, np.array([index]))
        return 2.0 * (fit.loglik - profile) - threshold

    estimate = float(fit.params[index])
    se = float(np.sqrt(fit.covariance[index, index]))
    return _limit(excess, estimate, -se), _limit(excess, estimate, se)
