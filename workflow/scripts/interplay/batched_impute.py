"""Chained-equations imputation of many data sets at once (bootstrap then impute, §7).

The algorithm of interplay.impute — predictive mean matching (type 1, five donors) for numbers,
logistic regression with a coefficient draw and augmentation records for 0/1 variables, variables
visited in order of missingness, every incomplete variable modelled on the same predictors — run
on a stack of S data sets (S, n, v) of equal size, such as bootstrap resamples. The regressions
of all S data sets are batched; each data set draws only from its own Generator, so an imputation
depends on its own seed and never on which data sets share the batch.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from interplay.batched_logistic import fit_stacked
from interplay.impute import DONORS, PMM_RIDGE, match_donors

# Newton tolerance of the imputation models: the coefficient draw adds noise of the order of a
# standard error, so an estimate within 1e-4 (relative) of the MLE draws the same distribution.
DRAW_TOLERANCE = 1e-4


@dataclass(frozen=True)
class ChainPlan:
    """Which columns of the value matrix to impute, in visit order, and what predicts each."""

    sequence: list[int]
    predictors: dict[int, list[int]]
    binary: set[int]
    iterations: int


def standardised(values: np.ndarray) -> np.ndarray:
    """Columns centred and scaled to unit SD within each data set (constant columns centred)."""
    centred = values - values.mean(axis=1, keepdims=True)
    n = values.shape[1]
    sd = np.sqrt((centred**2).sum(axis=1, keepdims=True) / max(n - 1, 1))
    return centred / np.where(sd > 0, sd, 1.0)


def with_intercept(scaled: np.ndarray) -> np.ndarray:
    """Per data set: a column of ones, then the standardised columns (S, n, v + 1)."""
    return np.concatenate([np.ones((*scaled.shape[:2], 1)), scaled], axis=2)


def initial_fill(values: np.ndarray, rngs: Sequence[np.random.Generator], columns: list[int]):
    """Fill each column's gaps with random observed values of the same data set (mice's start)."""
    completed = values.copy()
    for s, rng in enumerate(rngs):
        for j in columns:
            gaps = np.isnan(values[s, :, j])
            completed[s, gaps, j] = rng.choice(values[s, ~gaps, j], size=gaps.sum())
    return completed


def least_squares(
    full: np.ndarray, keep: list[int], outcome: np.ndarray, observed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per data set, regression on the kept columns of full over observed rows: Cholesky factor
    of the ridged X'X (mice's ridge), coefficients over all columns (0 where not kept), RSS.

    X'X comes from the Gram matrix of all columns, so no design is copied per variable.
    """
    weighted = full * observed[..., None]
    gram = np.matmul(weighted.transpose(0, 2, 1), full)[:, keep][:, :, keep]
    diagonal = np.einsum("sjj->sj", gram)
    p = len(keep)
    gram[:, np.arange(p), np.arange(p)] += PMM_RIDGE * np.maximum(diagonal, 1.0)
    cholesky = np.linalg.cholesky(gram)
    y = np.nan_to_num(outcome)
    xty = np.matmul(weighted.transpose(0, 2, 1), y[..., None])[:, keep]
    coef = np.zeros((full.shape[0], full.shape[2]))
    coef[:, keep] = np.linalg.solve(gram, xty)[..., 0]
    residuals = (y - np.matmul(full, coef[..., None])[..., 0]) * observed
    return cholesky, coef, (residuals**2).sum(axis=1)


def impute_pmm(
    full: np.ndarray,
    keep: list[int],
    values: np.ndarray,
    observed: np.ndarray,
    rngs: Sequence[np.random.Generator],
) -> list[np.ndarray]:
    """Predictive mean matching per data set (as impute.impute_pmm); imputations per data set."""
    cholesky, coef, rss = least_squares(full, keep, values, observed)
    p = len(keep)
    seen = observed.astype(bool)
    draws = [
        (rng.chisquare(max(int(n) - p, 1)), rng.standard_normal(p))
        for rng, n in zip(rngs, seen.sum(axis=1), strict=True)
    ]
    sigma = np.sqrt(rss / np.array([d[0] for d in draws]))
    # (X'X)^-1 = L^-T L^-1, so L^-T z has covariance (X'X)^-1 (mice's .norm.draw).
    deviation = np.linalg.solve(
        cholesky.transpose(0, 2, 1), np.array([d[1] for d in draws])[..., None]
    )
    beta = coef.copy()
    beta[:, keep] += sigma[:, None] * deviation[..., 0]
    fitted = np.matmul(full, coef[..., None])[..., 0]
    drawn = np.matmul(full, beta[..., None])[..., 0]
    return [
        values[s, seen[s]][match_donors(fitted[s, seen[s]], drawn[s, ~seen[s]], DONORS, rng)]
        for s, rng in enumerate(rngs)
    ]


def augmentation(designs: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per data set: the pseudo-records of impute.augmentation_records for outcome levels 0 and 1.

    Means, SDs and ranges are those of all rows of the data set's design, as in the core imputer.
    """
    predictors = designs[:, :, 1:]
    s, _, p = predictors.shape
    n_records = 4 * p
    mean = predictors.mean(axis=1)
    sd = predictors.std(axis=1, ddof=1)
    records = np.repeat(mean[:, None, :], n_records, axis=1)
    column = np.repeat(np.arange(p), 4)
    shift = np.tile([0.5, -0.5], 2 * p)[None, :] * sd[:, column]
    records[:, np.arange(n_records), column] += shift
    records = np.clip(records, predictors.min(axis=1)[:, None], predictors.max(axis=1)[:, None])
    outcome = np.tile(np.repeat([0.0, 1.0], 2), p)
    weights = np.full(n_records, (p + 1) / n_records)
    design = np.concatenate([np.ones((s, n_records, 1)), records], axis=2)
    return (
        design,
        np.broadcast_to(outcome, (s, n_records)),
        np.broadcast_to(weights, (s, n_records)),
    )


def impute_logistic(
    designs: np.ndarray,
    values: np.ndarray,
    observed: np.ndarray,
    rngs: Sequence[np.random.Generator],
    start: np.ndarray,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Logistic-regression imputation with a coefficient draw per data set (as impute's logreg).

    Returns the imputations per data set and the fitted coefficients (next cycle's warm start).
    """
    extra_design, extra_outcome, extra_weights = augmentation(designs, observed)
    stacked = np.concatenate([designs, extra_design], axis=1)
    outcome = np.concatenate([np.nan_to_num(values), extra_outcome], axis=1)
    weights = np.concatenate([observed, extra_weights], axis=1)
    beta = fit_stacked(stacked, outcome, weights, start, DRAW_TOLERANCE).estimates
    mu = special.expit(np.matmul(stacked, beta[..., None])[..., 0])
    information = np.matmul(
        stacked.transpose(0, 2, 1), stacked * (weights * mu * (1 - mu))[..., None]
    )
    root = np.linalg.cholesky(np.linalg.inv(information))
    z = np.array([rng.standard_normal(beta.shape[1]) for rng in rngs])
    beta_star = beta + np.matmul(root, z[..., None])[..., 0]
    probability = special.expit(np.matmul(designs, beta_star[..., None])[..., 0])
    gaps = ~observed.astype(bool)
    imputations = [
        (rng.uniform(size=gaps[s].sum()) <= probability[s, gaps[s]]).astype(float)
        for s, rng in enumerate(rngs)
    ]
    return imputations, beta


def impute_stack(
    values: np.ndarray, plan: ChainPlan, rngs: Sequence[np.random.Generator]
) -> np.ndarray:
    """One chained-equations chain per data set of values (S, n, v), NaN where missing."""
    missing = np.isnan(values)
    completed = initial_fill(values, rngs, plan.sequence)
    # Intercept and standardised columns; a column's standardisation depends on that column only,
    # so it is updated when the column changes.
    full = with_intercept(standardised(completed))
    starts: dict[int, np.ndarray] = {}
    for _ in range(plan.iterations):
        for j in plan.sequence:
            keep = [0, *(k + 1 for k in plan.predictors[j])]
            observed = (~missing[:, :, j]).astype(float)
            if j in plan.binary:
                start = starts.get(j, np.zeros((len(values), len(keep))))
                imputations, starts[j] = impute_logistic(
                    full[:, :, keep], values[:, :, j], observed, rngs, start
                )
            else:
                imputations = impute_pmm(full, keep, values[:, :, j], observed, rngs)
            for s, imputed in enumerate(imputations):
                completed[s, missing[s, :, j], j] = imputed
            full[:, :, j + 1] = standardised(completed[:, :, j : j + 1])[:, :, 0]
    return completed
