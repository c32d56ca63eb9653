"""Many logistic regressions at once, by batched Newton–Raphson in numpy (docs/analysis_plan.md §7).

Two layouts. Bootstrap replicates of one data set share its design matrix and differ only in how
often each row was drawn, so they are fits with frequency weights (R, n): every replicate's
information X'diag(w μ(1-μ))X comes from one matrix product of those (R, n) weights with the
(n, p(p+1)/2) products of column pairs. Imputed resamples have a design of their own each (R, n, p)
and use a batched matrix product instead. Each replicate stops iterating when its own step is
below the tolerance, so its estimate never depends on which other replicates share the batch.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

PLAIN_NEWTON_STEPS = 10  # from a warm start a regular fit needs about four
GUARDED_NEWTON_STEPS = 50  # with step halving, for the fits plain Newton leaves unconverged
LOGLIK_SLACK = 1e-12  # relative rounding allowance when comparing log-likelihoods
# Converged when max |step| < tol · (1 + max |β|): Newton's error after a step of size s is of
# order s², so the estimate is then accurate to about 1e-12.
STEP_TOLERANCE = 1e-6
# After a step this small (relative, as above) a fit keeps its information matrix: the next
# steps contract the error by a factor of about the distance travelled since, so they are as
# good as Newton steps while skipping the costliest work (Ortega & Rheinboldt, chord method).
CHORD_STEP = 1e-4

Evaluator = Callable[[np.ndarray, np.ndarray, np.ndarray, bool], tuple]


@dataclass(frozen=True)
class BatchFit:
    """Maximum-likelihood estimates of R fits (R, p); converged is False for failed fits.

    A fit fails when it does not converge within GUARDED_NEWTON_STEPS (separation drives
    coefficients towards infinity) or its information matrix is singular (a term constant in the
    resample).
    information (R, p, p) is each fit's last computed one, a step or more before its estimate.
    """

    estimates: np.ndarray
    converged: np.ndarray
    steps: np.ndarray
    information: np.ndarray


def pair_index(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the upper triangle (diagonal included) of a p × p matrix."""
    return np.triu_indices(p)


def column_pairs(design: np.ndarray) -> np.ndarray:
    """(n, p(p+1)/2) products x_j x_k of every pair of design columns, j ≤ k."""
    rows, cols = pair_index(design.shape[1])
    return design[:, rows] * design[:, cols]


def symmetric_from_pairs(flat: np.ndarray, p: int) -> np.ndarray:
    """(R, p, p) symmetric matrices from their (R, p(p+1)/2) upper triangles, by one gather."""
    position = np.zeros((p, p), int)
    rows, cols = pair_index(p)
    position[rows, cols] = position[cols, rows] = np.arange(len(rows))
    return np.take(flat, position.ravel(), axis=1).reshape(len(flat), p, p)


def solve_steps(information: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Newton steps I⁻¹ U per fit and whether each information matrix could be inverted."""
    try:
        return np.linalg.solve(information, score[..., None])[..., 0], np.ones(len(score), bool)
    except np.linalg.LinAlgError:
        steps = np.zeros_like(score)
        ok = np.ones(len(score), bool)
        for i, (matrix, vector) in enumerate(zip(information, score, strict=True)):
            try:
                steps[i] = np.linalg.solve(matrix, vector)
            except np.linalg.LinAlgError:
                ok[i] = False
        return steps, ok


def newton(
    start: np.ndarray, evaluate: Evaluator, guarded: bool, max_steps: int, tolerance: float
) -> BatchFit:
    """Batched Newton–Raphson from start; each fit stops when its own step is small.

    evaluate(active rows, β, fresh, guarded) gives their scores, the informations of the fresh
    ones and, when guarded, their log-likelihoods. Once a fit's step falls below CHORD_STEP its
    information is kept (chord steps: the score alone is evaluated). A guarded step that lowers
    a fit's log-likelihood is halved before that fit moves on, so the concave likelihood rises at
    every accepted step; guarded fits renew their information at every step.
    """
    beta = np.array(start, dtype=float)
    count, p = beta.shape
    active = np.arange(count)
    converged = np.zeros(count, bool)
    steps_taken = np.zeros(count, int)
    previous_loglik = np.full(count, -np.inf)
    previous_step = np.zeros((count, p))
    information = np.zeros((count, p, p))
    kept = np.zeros(count, bool)  # information kept from an earlier step
    for _ in range(max_steps):
        if not len(active):
            break
        fresh = ~kept[active]
        score, information[active[fresh]], loglik = evaluate(active, beta[active], fresh, guarded)
        steps_taken[active] += 1
        worse = np.zeros(len(active), bool)
        if guarded:
            worse = ~(loglik >= previous_loglik[active] - LOGLIK_SLACK * np.abs(loglik))
        back = active[worse]
        previous_step[back] /= 2
        beta[back] -= previous_step[back]
        ahead = active[~worse]
        step, invertible = solve_steps(information[ahead], score[~worse])
        finite = invertible & np.isfinite(step).all(axis=1)
        moving = ahead[finite]
        beta[moving] += step[finite]
        previous_step[moving] = step[finite]
        if guarded:
            previous_loglik[moving] = loglik[~worse][finite]
        size = np.abs(step[finite]).max(axis=1) / (1 + np.abs(beta[moving]).max(axis=1))
        kept[moving] = (size < CHORD_STEP) & (not guarded)
        converged[moving[size < tolerance]] = True
        active = np.sort(np.concatenate([back, moving[size >= tolerance]]))
    return BatchFit(beta, converged, steps_taken, information)


def fit_batch(
    start: np.ndarray, evaluate: Evaluator, tolerance: float = STEP_TOLERANCE
) -> BatchFit:
    """Plain Newton–Raphson; fits it leaves unconverged restart from start with step halving.

    Plain steps need no log-likelihood, the costliest element-wise work; from a warm start a
    regular fit converges in a few of them.
    """
    plain = newton(start, evaluate, False, PLAIN_NEWTON_STEPS, tolerance)
    retry = np.flatnonzero(~plain.converged)
    if not len(retry):
        return plain

    def evaluate_retried(rows: np.ndarray, beta: np.ndarray, fresh: np.ndarray, guarded: bool):
        """evaluate for the retried fits, numbered among themselves."""
        return evaluate(retry[rows], beta, fresh, guarded)

    again = newton(start[retry], evaluate_retried, True, GUARDED_NEWTON_STEPS, tolerance)
    estimates, converged = plain.estimates.copy(), plain.converged.copy()
    estimates[retry], converged[retry] = again.estimates, again.converged
    steps, information = plain.steps.copy(), plain.information.copy()
    steps[retry] += again.steps
    information[retry] = again.information
    return BatchFit(estimates, converged, steps, information)


def loglik_of(outcome: np.ndarray, eta: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted Bernoulli log-likelihoods Σ w (y η − log(1 + e^η)) per fit (rows of eta)."""
    return (weights * (outcome * eta - np.logaddexp(0.0, eta))).sum(axis=1)


def subset(array: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """array[rows], without a copy when rows are all of them in order."""
    return array if len(rows) == len(array) else array[rows]


def sigmoid(eta: np.ndarray) -> np.ndarray:
    """1 / (1 + e^−η), element-wise in place of a copy (faster here than scipy's expit)."""
    out = np.negative(eta)
    with np.errstate(over="ignore"):  # e^−η = inf gives 0, the right limit
        np.exp(out, out=out)
    out += 1
    return np.reciprocal(out, out=out)


def standardising_map(design: np.ndarray) -> np.ndarray:
    """A with XA = the design's columns centred and scaled (an intercept column absorbs the means).

    Newton–Raphson is affine invariant, so fitting XA and mapping back β = Aγ takes the same
    steps, while the well-conditioned information of XA can be formed in single precision.
    """
    p = design.shape[1]
    mean, sd = design.mean(axis=0), design.std(axis=0)
    ones = np.flatnonzero((sd == 0) & (mean == 1))
    scale = np.eye(p)
    for j in np.flatnonzero(sd > 0):
        scale[j, j] = 1 / sd[j]
        if len(ones):
            scale[ones[0], j] = -mean[j] / sd[j]
    return scale


@dataclass(frozen=True)
class WeightedDesign:
    """A design (n, p) prepared for fits under any rows of weights: standardised (XA), with the
    single-precision products of its column pairs. Building it costs more than a chunk's Newton
    steps at large n, so a bootstrap shard builds it once for all its chunks."""

    scale: np.ndarray  # A
    standard: np.ndarray  # XA
    pairs: np.ndarray  # column_pairs(XA) as float32


def weighted_design(design: np.ndarray) -> WeightedDesign:
    """The design prepared for fit_weighted."""
    scale = standardising_map(design)
    standard = design @ scale
    return WeightedDesign(scale, standard, column_pairs(standard).astype(np.float32))


def fit_weighted(
    design: np.ndarray | WeightedDesign,
    outcome: np.ndarray,
    weights: np.ndarray,
    start: np.ndarray,
) -> BatchFit:
    """Logistic fits of one design (n, p) and outcome (n,) under each row of weights (R, n).

    start: (p,) or (R, p) initial coefficients, e.g. the full-sample estimate. The score is
    summed in double precision; the information, which only sets the step, in single.
    """
    prepared = design if isinstance(design, WeightedDesign) else weighted_design(design)
    scale, standard, pairs = prepared.scale, prepared.standard, prepared.pairs
    p = standard.shape[1]
    weighted_outcome = weights * outcome

    def evaluate(rows: np.ndarray, gamma: np.ndarray, fresh: np.ndarray, guarded: bool) -> tuple:
        """Score, information of the fresh rows and (when guarded) log-likelihood at gamma."""
        eta = gamma @ standard.T
        mu = sigmoid(eta)
        w = subset(weights, rows)
        loglik = loglik_of(outcome, eta, w) if guarded else None
        weighted_mu = w * mu
        score = (subset(weighted_outcome, rows) - weighted_mu) @ standard
        if not fresh.any():
            return score, np.empty((0, p, p)), loglik
        weighted_mu *= 1 - mu
        single = weighted_mu[fresh].astype(np.float32)
        return score, symmetric_from_pairs(single @ pairs, p), loglik

    gamma = np.linalg.solve(scale, np.asarray(start, dtype=float).T).T
    fit = fit_batch(one_step_starts(standard, outcome, weights, gamma), evaluate)
    back = np.linalg.inv(scale)  # γ = A⁻¹β, so the information about β is A⁻ᵀ I(γ) A⁻¹
    information = back.T @ fit.information @ back
    return BatchFit(fit.estimates @ scale.T, fit.converged, fit.steps, information)


def one_step_starts(
    design: np.ndarray, outcome: np.ndarray, weights: np.ndarray, start: np.ndarray
) -> np.ndarray:
    """Each fit's start after one Newton step from a shared start with the unit-weight information.

    β₀ + I₀⁻¹ U_w(β₀) = β₀ + w (x_i (y_i − μ_i)) I₀⁻¹ is one matrix product for all fits (the
    influence-function approximation of each replicate), and as close to its MLE as a full
    Newton step would bring it. A start per fit (R, p) is left as it is.
    """
    if start.ndim == 2:
        return start
    mu = sigmoid(design @ start)
    information = design.T @ (design * (mu * (1 - mu))[:, None])
    try:
        influence = np.linalg.solve(information, (design * (outcome - mu)[:, None]).T).T
    except np.linalg.LinAlgError:
        return np.broadcast_to(start, (len(weights), len(start)))
    return start + weights @ influence


def fit_stacked(
    designs: np.ndarray,
    outcomes: np.ndarray,
    weights: np.ndarray,
    start: np.ndarray,
    tolerance: float = STEP_TOLERANCE,
) -> BatchFit:
    """Logistic fits of R data sets of their own: designs (R, n, p), outcomes and weights (R, n).

    Weights are frequency weights (0 leaves a row out, e.g. outside a stratum).
    """
    outcomes = np.broadcast_to(outcomes, designs.shape[:2])

    def evaluate(rows: np.ndarray, beta: np.ndarray, fresh: np.ndarray, guarded: bool) -> tuple:
        """Score, information of the fresh rows and (when guarded) log-likelihood at beta."""
        x = subset(designs, rows)
        w = subset(weights, rows)
        y = subset(outcomes, rows)
        eta = np.matmul(x, beta[:, :, None])[..., 0]
        mu = sigmoid(eta)
        score = np.matmul((w * (y - mu))[:, None, :], x)[:, 0, :]
        x_fresh = x if fresh.all() else x[fresh]
        variance = (w * mu * (1 - mu))[fresh]
        information = np.matmul(x_fresh.transpose(0, 2, 1), x_fresh * variance[..., None])
        return score, information, loglik_of(y, eta, w) if guarded else None

    return fit_batch(np.broadcast_to(start, (len(designs), designs.shape[2])), evaluate, tolerance)


def linear_predictor(designs: np.ndarray, estimates: np.ndarray) -> np.ndarray:
    """η = Xβ per fit: designs (n, p) shared or (R, n, p) stacked, estimates (R, p) → (R, n)."""
    if designs.ndim == 2:
        return estimates @ designs.T
    return np.matmul(designs, estimates[:, :, None])[..., 0]
