"""Multiple imputation by chained equations (van Buuren, Flexible Imputation of Missing Data ch. 4).

Continuous and count variables are imputed by predictive mean matching, 0/1 and two-level text
variables by logistic regression with a parameter draw, each with the algorithms of R's mice
(mice.impute.pmm with type-1 matching, mice.impute.logreg with augmentation). Every incomplete
variable is modelled on the same predictor columns — the caller includes the outcome, both biomarker
codings and their product there, so the imputation model is compatible with the interaction model.
"""

import logging
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import linalg, special

from interplay.errors import InputError, require_columns
from interplay.models.logistic import MODEL_EXPOSURES, OUTCOME, PRODUCT, term_values
from interplay.models.newton import newton_logistic

log = logging.getLogger(__name__)

DONORS = 5
# mice's ridge: a fraction of diag(X'X) added against (near-)collinear predictors; constant
# predictors (all-zero once centred) get the fraction of 1 so that X'X stays positive definite.
PMM_RIDGE = 1e-5
# Absolute ridge on the standardised logistic design, negligible against its information (~n/4).
LOGISTIC_RIDGE = 1e-4
IMPUTATION_COLUMN = ".imp"
ROW_ID_COLUMN = ".id"


def missingness_summary(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Number and percentage of missing values per column (STROBE 14b)."""
    n_missing = data[columns].isna().sum().to_numpy()
    return pd.DataFrame(
        {
            "variable": columns,
            "n_missing": n_missing,
            "percent_missing": 100 * n_missing / max(len(data), 1),
        }
    )


def patient_ids(data: pd.DataFrame, rows: np.ndarray) -> list:
    """Identifiers of the given rows: patient_id where present, else the row index."""
    ids = data["patient_id"] if "patient_id" in data.columns else data.index.to_series()
    return ids[rows].tolist()


def text_levels(data: pd.DataFrame, column: str) -> tuple[str, ...] | None:
    """Levels of a text column coded 0/1 internally, None if numeric.

    A categorical column keeps its category order (the dictionary's: first level = 0); plain text is
    sorted (female < male).
    """
    dtype = data[column].dtype
    if isinstance(dtype, pd.CategoricalDtype):
        levels = tuple(str(level) for level in dtype.categories)
    elif pd.api.types.is_numeric_dtype(dtype):
        return None
    else:
        levels = tuple(sorted(data[column].dropna().astype(str).unique()))
    if len(levels) > 2:
        raise InputError(
            f"column has {len(levels)} text levels; imputation handles numbers and two-level text",
            column=column,
            fix="recode the column to numbers or to two levels before imputation",
        )
    return levels


def encode(data: pd.DataFrame, columns: list[str], levels: dict) -> np.ndarray:
    """The columns as one float matrix, two-level text as 0/1 and missing values as NaN."""
    encoded = [
        data[c].astype(str).map({level: float(code) for code, level in enumerate(levels[c])})
        if levels[c] is not None
        else data[c]
        for c in columns
    ]
    return np.column_stack(
        [pd.to_numeric(col).to_numpy(dtype=float, na_value=np.nan) for col in encoded]
    )


def decode(values: np.ndarray, levels: tuple[str, ...] | None) -> np.ndarray:
    """Map 0/1 codes back to their text levels; numbers are returned as they are."""
    if levels is None:
        return values
    return np.asarray(levels, dtype=object)[values.astype(int)]


def is_binary(values: np.ndarray) -> bool:
    """Whether the observed values are 0 and 1, both present (imputed by logistic regression).

    A variable with one observed value goes to PMM, which can only impute that value.
    """
    return set(np.unique(values[~np.isnan(values)])) == {0.0, 1.0}


def check_columns(
    data: pd.DataFrame, incomplete: list[str], predictors: list[str], values: np.ndarray
) -> None:
    """Refuse predictors with gaps that are not imputed and variables with nothing observed."""
    columns = list(dict.fromkeys(incomplete + predictors))
    for j, column in enumerate(columns):
        gaps = np.isnan(values[:, j])
        if column not in incomplete and gaps.any():
            raise InputError(
                "an imputation predictor has missing values but is not itself imputed",
                column=column,
                ids=patient_ids(data, gaps),
                fix="add the column to the variables to impute, or drop it from the predictors",
            )
        if column in incomplete and gaps.all():
            raise InputError(
                f"{column} has no observed value in the analysis dataset, so it cannot be imputed",
                file="analysis dataset",
                column=column,
                fix=f"supply {column} in the baseline table, or remove it from the adjustment set "
                "(covariates.sets)",
            )


def visit_sequence(missing: np.ndarray, targets: list[int]) -> list[int]:
    """Monotone visit order: variables with fewest missing values first (ties keep their order)."""
    with_gaps = [j for j in targets if missing[:, j].any()]
    return sorted(with_gaps, key=lambda j: missing[:, j].sum())


def standardised_design(predictors: np.ndarray) -> np.ndarray:
    """Intercept plus predictors centred and scaled to unit SD (constant columns only centred)."""
    centred = predictors - predictors.mean(axis=0)
    sd = np.sqrt((centred**2).sum(axis=0) / max(len(predictors) - 1, 1))
    return np.column_stack([np.ones(len(predictors)), centred / np.where(sd > 0, sd, 1.0)])


def draw_linear_model(
    design: np.ndarray, outcome: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares coefficients and a Bayesian posterior draw of them (mice's .norm.draw)."""
    n, p = design.shape
    xtx = design.T @ design
    xtx[np.diag_indices(p)] += PMM_RIDGE * np.maximum(np.diag(xtx), 1.0)
    cholesky = np.linalg.cholesky(xtx)
    coef = linalg.cho_solve((cholesky, True), design.T @ outcome, check_finite=False)
    residuals = outcome - design @ coef
    sigma = np.sqrt(residuals @ residuals / rng.chisquare(max(n - p, 1)))
    # (X'X)^-1 = L^-T L^-1, so L^-T z has covariance (X'X)^-1.
    deviation = linalg.solve_triangular(
        cholesky.T, rng.standard_normal(p), lower=False, check_finite=False
    )
    return coef, coef + sigma * deviation


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


def impute_pmm(
    design: np.ndarray,
    values: np.ndarray,
    observed: np.ndarray,
    rng: np.random.Generator,
    donors: int = DONORS,
) -> np.ndarray:
    """Predictive mean matching, type 1: observed fitted by coef, missing by the drawn beta."""
    coef, beta = draw_linear_model(design[observed], values[observed], rng)
    donor = match_donors(design[observed] @ coef, design[~observed] @ beta, donors, rng)
    return values[observed][donor]


def augmentation_records(design: np.ndarray, categories: np.ndarray) -> tuple[np.ndarray, ...]:
    """Pseudo-records against perfect prediction (White, Daniel & Royston 2010; mice's augment).

    For each predictor and outcome category, two records at the predictor's mean ± SD/2 (others at
    their mean), clipped to the observed range; total weight p + 1 spread over the 2pk records.
    """
    predictors = design[:, 1:]
    p, k = predictors.shape[1], len(categories)
    n_records = 2 * p * k
    records = np.tile(predictors.mean(axis=0), (n_records, 1))
    shift = np.tile([0.5, -0.5], p * k) * np.repeat(predictors.std(axis=0, ddof=1), 2 * k)
    records[np.arange(n_records), np.repeat(np.arange(p), 2 * k)] += shift
    records = np.clip(records, predictors.min(axis=0), predictors.max(axis=0))
    outcome = np.tile(np.repeat(categories, 2), p)
    weights = np.full(n_records, (p + 1) / n_records)
    return np.column_stack([np.ones(n_records), records]), outcome, weights


def impute_logistic(
    design: np.ndarray,
    values: np.ndarray,
    observed: np.ndarray,
    rng: np.random.Generator,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Logistic regression imputation with a draw of the coefficients (mice's logreg).

    Returns the imputations and the fitted coefficients (a warm start for the next cycle).
    """
    categories = np.unique(values[observed])
    extra_design, extra_outcome, extra_weights = augmentation_records(design, categories)
    fit = newton_logistic(
        np.vstack([design[observed], extra_design]),
        np.concatenate([values[observed], extra_outcome]),
        weights=np.concatenate([np.ones(observed.sum()), extra_weights]),
        ridge=LOGISTIC_RIDGE,
        start=start,
    )
    beta = fit.estimates
    beta_star = beta + np.linalg.cholesky(fit.covariance) @ rng.standard_normal(len(beta))
    probability = special.expit(design[~observed] @ beta_star)
    return (rng.uniform(size=len(probability)) <= probability).astype(float), beta


def run_chain(
    values: np.ndarray,
    sequence: list[int],
    predictor_index: dict[int, list[int]],
    binary: set[int],
    iterations: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """One chained-equations chain: start from random observed values, then `iterations` cycles."""
    completed = values.copy()
    observed = ~np.isnan(values)
    for j in sequence:
        pool = values[observed[:, j], j]
        completed[~observed[:, j], j] = rng.choice(pool, size=(~observed[:, j]).sum())
    coefficients = {}
    for _ in range(iterations):
        for j in sequence:
            design = standardised_design(completed[:, predictor_index[j]])
            gaps = ~observed[:, j]
            if j in binary:
                completed[gaps, j], coefficients[j] = impute_logistic(
                    design, values[:, j], observed[:, j], rng, coefficients.get(j)
                )
            else:
                completed[gaps, j] = impute_pmm(design, values[:, j], observed[:, j], rng)
    return completed


def imputation_rng(seed: int | Sequence[int], imputation: int) -> np.random.Generator:
    """Generator of imputation number `imputation`, from SeedSequence([*seed, imputation])."""
    root = [seed] if isinstance(seed, int | np.integer) else list(seed)
    return np.random.default_rng(np.random.SeedSequence([*root, imputation]))


def impute_chained(
    data: pd.DataFrame,
    incomplete: list[str],
    predictors: list[str],
    m: int,
    iterations: int,
    seed: int | Sequence[int],
) -> pd.DataFrame:
    """m imputed copies of data in long format: `.imp` 0 (the data as given) to m, `.id` the index.

    Each column of `incomplete` is modelled on every column of `predictors` other than itself; a
    column in both lists enters with its current imputations. Include the outcome and the product
    of the biomarker codings among the predictors (compatible with the interaction model). Data set
    i depends only on (seed, i), never on m.
    """
    require_columns(
        data.columns,
        incomplete + predictors,
        table="analysis dataset",
        fix="check the covariate names in config.yaml against the analysis dataset",
    )
    columns = list(dict.fromkeys(incomplete + predictors))
    levels = {c: text_levels(data, c) for c in columns}
    values = encode(data, columns, levels)
    check_columns(data, incomplete, predictors, values)
    targets = [columns.index(c) for c in incomplete]
    predictor_index = {
        j: [columns.index(p) for p in predictors if p != columns[j]] for j in targets
    }
    sequence = visit_sequence(np.isnan(values), targets)
    binary = {j for j in sequence if is_binary(values[:, j])}
    copies = [data.copy()]
    started = time.perf_counter()
    for imputation in range(1, m + 1):
        rng = imputation_rng(seed, imputation)
        completed = run_chain(values, sequence, predictor_index, binary, iterations, rng)
        copy = data.copy()
        for j in sequence:
            gaps = np.isnan(values[:, j])
            copy.loc[gaps, columns[j]] = decode(completed[gaps, j], levels[columns[j]])
        copies.append(copy)
        log.info(
            "imputed data set %d/%d (%d variables, %d iterations), %.1f s elapsed",
            imputation,
            m,
            len(sequence),
            iterations,
            time.perf_counter() - started,
        )
    long = pd.concat(copies, ignore_index=True)
    long.insert(0, ROW_ID_COLUMN, np.tile(data.index.to_numpy(), m + 1))
    long.insert(0, IMPUTATION_COLUMN, np.repeat(np.arange(m + 1), len(data)))
    return long


def product_columns(data: pd.DataFrame, terms: Sequence[str]) -> dict[str, pd.Series]:
    """The product columns (`a:b`) among model terms, computed from their factors."""
    return {term: term_values(data, term) for term in terms if PRODUCT in term}


def impute_analysis_dataset(
    dataset: pd.DataFrame,
    covariates: Sequence[str],
    m: int,
    iterations: int,
    seed: int | Sequence[int],
) -> pd.DataFrame:
    """Impute an analysis dataset's model variables, compatibly with both interaction models.

    The outcome, every covariate and both biomarker codings with their products are predictors
    of every incomplete variable (docs/analysis_plan.md §6: never impute, then form the product).
    """
    require_columns(
        dataset.columns,
        covariates,
        table="analysis dataset",
        fix="name the analysis dataset's columns in the adjustment set (covariates.sets)",
    )
    exposures = [*MODEL_EXPOSURES["product"], *MODEL_EXPOSURES["continuous"]]
    products = product_columns(dataset, exposures)
    predictors = list(dict.fromkeys([OUTCOME, *covariates, *exposures]))
    with_products = dataset.assign(**products)
    incomplete = [column for column in predictors if with_products[column].isna().any()]
    imputed = impute_chained(with_products, incomplete, predictors, m, iterations, seed)
    return imputed.drop(columns=list(products))
