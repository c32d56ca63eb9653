"""The logistic Newton–Raphson solver of single fits: analysis models, imputation models and D3.

One loop, two stopping rules, each keeping the numbers of the fits it replaced bit for bit:
- MODEL_RULE, the analysis models: the arithmetic of statsmodels' `Logit(...).fit(method="newton")`
  (score and information per observation with a 1e-10 ridge on the latter, stop when no
  coefficient moves more than 1e-8, covariance the inverse information at the estimate);
- RELATIVE_RULE, the imputation models and the pooled likelihood-ratio test D3: stop when the step
  is below 1e-10 · (1 + max |β|); the covariance is the inverse (penalised) information of the last
  step, equal to that at the estimate to about that precision.
Many fits of resamples at once are models/batched.py's work: its single-precision information
and chord steps buy speed at a precision a single fit does not need to give up.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

MAX_NEWTON_STEPS = 100


def logistic_cdf(eta: np.ndarray) -> np.ndarray:
    """1 / (1 + e^−η), written out as statsmodels' Logit computes it."""
    with np.errstate(over="ignore"):  # e^−η = inf gives 0, the right limit
        return 1 / (1 + np.exp(-eta))


@dataclass(frozen=True)
class NewtonRule:
    """How a fit steps and when it stops (see the module docstring for the two in use)."""

    tolerance: float
    relative: bool  # max |step| < tol · (1 + max |β|), else max |Δβ| ≤ tol
    # statsmodels' arithmetic: score and information divided by n, a ridge on the information, the
    # covariance its inverse at the estimate (else the inverse information of the last step)
    per_observation: bool
    probability: Callable[[np.ndarray], np.ndarray]


MODEL_RULE = NewtonRule(1e-8, False, True, logistic_cdf)
RELATIVE_RULE = NewtonRule(1e-10, True, False, special.expit)
HESSIAN_RIDGE = 1e-10  # statsmodels' regularisation of the per-observation information


@dataclass(frozen=True)
class NewtonFit:
    """Coefficients, their covariance, the log-likelihood and whether the steps converged."""

    estimates: np.ndarray
    covariance: np.ndarray
    loglik: float
    converged: bool
    fitted: np.ndarray  # fitted probabilities at the estimate


def newton_logistic(
    design: np.ndarray,
    outcome: np.ndarray,
    *,
    rule: NewtonRule = RELATIVE_RULE,
    weights: np.ndarray | None = None,
    ridge: float = 0.0,
    offset: np.ndarray | None = None,
    start: np.ndarray | None = None,
) -> NewtonFit:
    """(Weighted, optionally ridge-penalised) logistic regression by Newton–Raphson.

    converged is False when the tolerance is not met within MAX_NEWTON_STEPS steps.
    """
    n, p = design.shape
    weights = np.ones(n) if weights is None else weights
    offset = np.zeros(n) if offset is None else offset
    penalty = ridge * np.eye(p)
    beta = np.zeros(p) if start is None else np.asarray(start, dtype=float)
    steps = 0
    while steps < MAX_NEWTON_STEPS:
        prob = rule.probability(offset + design @ beta)
        information = (design.T * (weights * prob * (1 - prob))) @ design + penalty
        score = design.T @ (weights * (outcome - prob)) - penalty @ beta
        if rule.per_observation:
            scaled = information / n
            scaled[np.diag_indices(p)] += HESSIAN_RIDGE
            step = np.linalg.solve(scaled, score / n)
        else:
            step = np.linalg.solve(information, score)
        previous, beta = beta, beta + step
        steps += 1
        if rule.relative:
            if np.max(np.abs(step)) < rule.tolerance * (1 + np.max(np.abs(beta))):
                break
        elif not np.any(np.abs(beta - previous) > rule.tolerance):
            break
    eta = offset + design @ beta
    fitted = rule.probability(eta)
    if rule.per_observation:
        at_estimate = (design.T * (weights * fitted * (1 - fitted))) @ design + penalty
        covariance = np.linalg.inv(at_estimate / n) / n
    else:
        covariance = np.linalg.inv(information)
    with np.errstate(divide="ignore"):  # a separated fit's log-likelihood tends to −inf
        loglik = float(np.sum(np.log(rule.probability((2 * outcome - 1) * eta))))
    return NewtonFit(beta, covariance, loglik, steps < MAX_NEWTON_STEPS, fitted)
