"""Chained-equations imputation of many data sets at once (bootstrap then impute, §7).

The one chained-equations engine (van Buuren, Flexible Imputation of Missing Data ch. 4), with the
algorithms of R's mice: predictive mean matching (mice.impute.pmm, type-1 matching, five donors) for
numbers, logistic regression with a coefficient draw and augmentation records (mice.impute.logreg)
for 0/1 variables, variables visited in order of missingness, every incomplete variable modelled on
the same predictors — run on a stack of S data sets (S, n, v) of equal size: the m imputations of
one dataset (interplay.imputation.chained) or bootstrap resamples. The
regressions of all S data sets are batched; each data set draws only from its own Generator, so an
imputation depends on its own seed and never on which data sets share the batch.

The regressions work on the standardised columns of the completed data and an intercept. A
linear model's normal equations over the rows where its variable is observed are the Gram matrix
of all rows, kept up to date as columns change, less the few rows where the variable is missing.
The variable itself is regressed in its standardised form: an affine map of its values, which
changes neither the order of the fitted values nor, therefore, the matched donors.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from interplay.models.batched import BatchFit, fit_stacked
from interplay.models.newton import newton_logistic

DONORS = 5
# mice's ridge: a fraction of diag(X'X) added against (near-)collinear predictors; constant
# predictors (all-zero once centred) get the fraction of 1 so that X'X stays positive definite.
PMM_RIDGE = 1e-5
# Values (data sets × rows × columns) imputed together, 80 MB: the chain's working arrays (the
# completed values, the standardised design, a logistic model's stacked design) are a few times
# that, so a chunk stays near 0.5 GB whatever n; at n = 10^6 a chunk is one data set.
STACK_ELEMENTS = 10_000_000
# Absolute ridge on the standardised logistic design, negligible against its information (~n/4),
# for the data sets whose unpenalised model is singular (a constant or duplicated predictor).
LOGISTIC_RIDGE = 1e-4

# Newton tolerance of the imputation models: the coefficient draw adds noise of the order of a
# standard error, so an estimate within 1e-4 (relative) of the MLE draws the same distribution.
DRAW_TOLERANCE = 1e-4

Draw = Callable[[np.random.Generator, int], np.ndarray]


@dataclass(frozen=True)
class ChainPlan:
    """Which columns of the value matrix to impute, in visit order, and what predicts each."""

    sequence: list[int]
    predictors: dict[int, list[int]]
    binary: set[int]
    iterations: int


@dataclass(frozen=True)
class Gaps:
    """Per data set, the rows where one variable is missing, padded to the longest list."""

    missing: np.ndarray  # (S, n) mask
    rows: np.ndarray  # (S, m) row indices; the padding repeats other rows
    real: np.ndarray  # (S, m) False on the padding

    @classmethod
    def of(cls, missing: np.ndarray) -> "Gaps":
        """The gaps of a (S, n) missingness mask."""
        counts = missing.sum(axis=1)
        rows = np.argsort(~missing, axis=1, kind="stable")[:, : counts.max()]
        return cls(missing, rows, np.arange(rows.shape[1]) < counts[:, None])

    def rows_of(self, full: np.ndarray) -> np.ndarray:
        """The gap rows (S, m, k) of full (S, n, k); zero on the padding."""
        taken = np.take_along_axis(full, self.rows[..., None], axis=1)
        return taken * self.real[..., None]

    def draws(self, rngs: Sequence[np.random.Generator], draw: Draw) -> np.ndarray:
        """draw(rng, count) from each data set's own stream for its gaps, zero-padded to (S, m)."""
        out = np.zeros(self.rows.shape)
        for s, count in enumerate(self.real.sum(axis=1)):
            out[s, :count] = draw(rngs[s], count)
        return out

    def fill(self, column: np.ndarray, imputed: np.ndarray) -> None:
        """Write imputed (S, m) into column (S, n) at the gap rows, in place."""
        kept = np.take_along_axis(column, self.rows, axis=1)
        np.put_along_axis(column, self.rows, np.where(self.real, imputed, kept), axis=1)


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


def update_gram(gram: np.ndarray, full: np.ndarray, column: int) -> None:
    """Row and column `column` of each data set's Gram matrix X'X, after that column changed."""
    products = np.matmul(full[:, None, :, column], full)[:, 0, :]
    gram[:, column, :] = products
    gram[:, :, column] = products


def least_squares(
    gram: np.ndarray, gap_rows: np.ndarray, keep: list[int], target: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per data set, the regression of column target on the kept columns over the observed rows:
    Cholesky factor of the ridged X'X (mice's ridge), coefficients over all columns (0 where not
    kept) and the residual sum of squares.

    gram is X'X over all rows; gap_rows (S, m, v + 1) are the rows left out (zero on padding).
    """
    observed = gram - np.matmul(gap_rows.transpose(0, 2, 1), gap_rows)
    xtx = observed[:, keep][:, :, keep]
    xty = observed[:, keep, target]
    diagonal = np.arange(len(keep))
    ridged = xtx.copy()
    ridged[:, diagonal, diagonal] += PMM_RIDGE * np.maximum(xtx[:, diagonal, diagonal], 1.0)
    solution = np.linalg.solve(ridged, xty[..., None])[..., 0]
    coef = np.zeros(gram.shape[:2])
    coef[:, keep] = solution
    # Σ(y − Xb)² = y'y − 2b'X'y + b'X'Xb, all from the observed rows' cross-products.
    explained = 2 * (solution * xty).sum(axis=1) - np.einsum(
        "sj,sjk,sk->s", solution, xtx, solution
    )
    rss = np.maximum(observed[:, target, target] - explained, 0.0)
    return np.linalg.cholesky(ridged), coef, rss


def impute_pmm_batch(
    full: np.ndarray,
    gram: np.ndarray,
    keep: list[int],
    target: int,
    gaps: Gaps,
    values: np.ndarray,
    rngs: Sequence[np.random.Generator],
) -> np.ndarray:
    """Predictive mean matching per data set; imputations (S, m)."""
    gap_rows = gaps.rows_of(full)
    cholesky, coef, rss = least_squares(gram, gap_rows, keep, target)
    p = len(keep)
    n_observed = (~gaps.missing).sum(axis=1)
    draws = [
        (rng.chisquare(max(int(n) - p, 1)), rng.standard_normal(p))
        for rng, n in zip(rngs, n_observed, strict=True)
    ]
    sigma = np.sqrt(rss / np.array([d[0] for d in draws]))
    # (X'X)^-1 = L^-T L^-1, so L^-T z has covariance (X'X)^-1 (mice's .norm.draw).
    deviation = np.linalg.solve(
        cholesky.transpose(0, 2, 1), np.array([d[1] for d in draws])[..., None]
    )
    beta = coef.copy()
    beta[:, keep] += sigma[:, None] * deviation[..., 0]
    fitted = np.matmul(full, coef[..., None])[..., 0]
    drawn = np.matmul(gap_rows, beta[..., None])[..., 0]
    donors = matched_donors(fitted, drawn, gaps, rngs)
    return np.take_along_axis(values, donors, axis=1)


def matched_donors(
    fitted: np.ndarray, drawn: np.ndarray, gaps: Gaps, rngs: Sequence[np.random.Generator]
) -> np.ndarray:
    """match_donors for every data set at once: donor rows (S, m) of the drawn values.

    One sort per data set ranks its observed fitted values; a drawn value's DONORS nearest lie
    within DONORS ranks of its insertion point. The sort need not be stable (match_donors' is): tied
    fitted values are, but for chance, a resampled patient's copies, which donate equal values.
    """
    n_observed = (~gaps.missing).sum(axis=1)
    if n_observed.min() < 2 * DONORS:  # fewer than a window of observed values: one at a time
        return np.array(
            [small_sample_donors(fitted, drawn, gaps, rngs, s) for s in range(len(rngs))]
        )
    key = np.where(gaps.missing, np.inf, fitted)
    order = np.argsort(key, axis=1)
    ranked = np.take_along_axis(key, order, axis=1)
    insertion = np.array(
        [np.searchsorted(ranked[s, :count], drawn[s]) for s, count in enumerate(n_observed)]
    )
    start = np.clip(insertion - DONORS, 0, (n_observed - 2 * DONORS)[:, None])
    window = start[..., None] + np.arange(2 * DONORS)
    candidates = np.take_along_axis(ranked, window.reshape(len(window), -1), axis=1)
    distance = np.abs(candidates.reshape(window.shape) - drawn[..., None])
    nearest = np.argpartition(distance, DONORS - 1, axis=2)[..., :DONORS]
    pick = gaps.draws(rngs, lambda rng, count: rng.integers(DONORS, size=count)).astype(int)
    chosen = np.take_along_axis(nearest, pick[..., None], axis=2)
    return np.take_along_axis(order, np.take_along_axis(window, chosen, axis=2)[..., 0], axis=1)


def match_donors(
    fitted_observed: np.ndarray, fitted_missing: np.ndarray, donors: int, rng: np.random.Generator
) -> np.ndarray:
    """For each missing case, one of the `donors` observed cases with the closest fitted value."""
    n_observed = len(fitted_observed)
    donors = min(donors, n_observed)
    order = np.argsort(fitted_observed, kind="stable")
    ranked = fitted_observed[order]
    # The donors nearest to a value lie within `donors` ranks of its insertion point.
    width = min(2 * donors, n_observed)
    start = np.clip(np.searchsorted(ranked, fitted_missing) - donors, 0, n_observed - width)
    window = start[:, None] + np.arange(width)
    distance = np.abs(ranked[window] - fitted_missing[:, None])
    nearest = np.argpartition(distance, donors - 1, axis=1)[:, :donors]
    rows = np.arange(len(fitted_missing))
    chosen = nearest[rows, rng.integers(donors, size=len(rows))]
    return order[window[rows, chosen]]


def small_sample_donors(
    fitted: np.ndarray, drawn: np.ndarray, gaps: Gaps, rngs: Sequence[np.random.Generator], s: int
) -> np.ndarray:
    """Donor rows (m,) of data set s by match_donors, padded with row 0."""
    observed_rows = np.flatnonzero(~gaps.missing[s])
    real = gaps.real[s]
    donors = np.zeros(len(real), int)
    found = match_donors(fitted[s, observed_rows], drawn[s, real], DONORS, rngs[s])
    donors[: real.sum()] = observed_rows[found]
    return donors


def augmentation(designs: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per data set: pseudo-records against perfect prediction, for outcome levels 0 and 1.

    White, Daniel & Royston (2010), mice's augment: for each predictor and level, two records at
    the predictor's mean ± SD/2 (others at their mean), clipped to its range over all rows of the
    data set's design; total weight p + 1 spread over the 4p records.
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


def ridged_where_singular(
    fit: BatchFit, designs: np.ndarray, outcomes: np.ndarray, weights: np.ndarray
) -> BatchFit:
    """The fits, those that failed refitted with LOGISTIC_RIDGE one data set at a time.

    Only a data set's own values decide whether it is refitted, so the batch does not matter.
    """
    estimates, information = fit.estimates.copy(), fit.information.copy()
    for s in np.flatnonzero(~fit.converged):
        rows = weights[s] > 0
        refit = newton_logistic(
            designs[s, rows], outcomes[s, rows], weights=weights[s, rows], ridge=LOGISTIC_RIDGE
        )
        estimates[s], information[s] = refit.estimates, np.linalg.inv(refit.covariance)
    return BatchFit(estimates, np.ones(len(estimates), bool), fit.steps, information)


def impute_logistic_batch(
    full: np.ndarray,
    keep: list[int],
    gaps: Gaps,
    values: np.ndarray,
    rngs: Sequence[np.random.Generator],
    start: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Logistic-regression imputation with a coefficient draw per data set (mice's logreg).

    Returns the imputations (S, m) and the fitted coefficients (next cycle's warm start). The
    draw's covariance is the inverse information at the last Newton iterate, within
    DRAW_TOLERANCE of the estimate.
    """
    designs = full[:, :, keep]
    extra_design, extra_outcome, extra_weights = augmentation(designs)
    stacked = np.concatenate([designs, extra_design], axis=1)
    outcome = np.concatenate([np.nan_to_num(values), extra_outcome], axis=1)
    weights = np.concatenate([(~gaps.missing).astype(float), extra_weights], axis=1)
    fit = ridged_where_singular(
        fit_stacked(stacked, outcome, weights, start, DRAW_TOLERANCE), stacked, outcome, weights
    )
    root = np.linalg.cholesky(np.linalg.inv(fit.information))
    z = np.array([rng.standard_normal(len(keep)) for rng in rngs])
    beta_star = fit.estimates + np.matmul(root, z[..., None])[..., 0]
    gap_designs = gaps.rows_of(full)[:, :, keep]
    probability = special.expit(np.matmul(gap_designs, beta_star[..., None])[..., 0])
    uniform = gaps.draws(rngs, lambda rng, count: rng.uniform(size=count))
    return (uniform <= probability).astype(float), fit.estimates


def chain(values: np.ndarray, plan: ChainPlan, rngs: Sequence[np.random.Generator]) -> np.ndarray:
    """One chained-equations chain per data set of values (S, n, v), NaN where missing."""
    missing = np.isnan(values)
    completed = initial_fill(values, rngs, plan.sequence)
    # Intercept and standardised columns; a column's standardisation depends on that column only,
    # so it and its row of the Gram matrix are updated when the column changes.
    full = with_intercept(standardised(completed))
    gram = np.matmul(full.transpose(0, 2, 1), full)
    gaps = {j: Gaps.of(missing[:, :, j]) for j in plan.sequence}
    starts: dict[int, np.ndarray] = {}
    for _ in range(plan.iterations):
        for j in plan.sequence:
            keep = [0, *(k + 1 for k in plan.predictors[j])]
            if j in plan.binary:
                start = starts.get(j, np.zeros((len(values), len(keep))))
                imputed, starts[j] = impute_logistic_batch(
                    full, keep, gaps[j], values[:, :, j], rngs, start
                )
            else:
                imputed = impute_pmm_batch(full, gram, keep, j + 1, gaps[j], values[:, :, j], rngs)
            gaps[j].fill(completed[:, :, j], imputed)
            full[:, :, j + 1] = standardised(completed[:, :, j : j + 1])[:, :, 0]
            update_gram(gram, full, j + 1)
    return completed


def stack_chunk_size(n_rows: int, n_columns: int) -> int:
    """Data sets per chunk: STACK_ELEMENTS values at most, and at least one data set."""
    return max(1, STACK_ELEMENTS // max(n_rows * n_columns, 1))


def completed_chunks(
    values: np.ndarray,
    plan: ChainPlan,
    rngs: Sequence[np.random.Generator],
    size: int | None = None,
) -> Iterator[tuple[int, np.ndarray]]:
    """(first data set, its chunk's completed values) for chunks of `size` data sets of values.

    A data set draws only from its own Generator and each fit stops on its own, so the chunks
    give the arrays of one stack; values may be a broadcast view (m copies of one dataset).
    """
    size = size or stack_chunk_size(*values.shape[1:])
    for first in range(0, len(rngs), size):
        yield first, chain(values[first : first + size], plan, rngs[first : first + size])


def impute_stack(
    values: np.ndarray,
    plan: ChainPlan,
    rngs: Sequence[np.random.Generator],
    size: int | None = None,
) -> np.ndarray:
    """One chained-equations chain per data set of values (S, n, v), in chunks of data sets."""
    return np.concatenate(
        [completed for _, completed in completed_chunks(values, plan, rngs, size)]
    )
