"""Multiple imputation by chained equations of a data frame, as ImputedSets or in long format.

Continuous and count variables are imputed by predictive mean matching, 0/1 and two-level text
variables by logistic regression with a parameter draw, by the one engine
interplay.imputation.batched: the m imputed data sets are one stack, run in chunks of data sets.
Every incomplete variable is modelled on the same predictor columns — the caller includes the
outcome, both codings of the pair and their product there, so the imputation model is compatible
with the interaction model. This module turns a data frame into the engine's value matrix (text
levels as 0/1, checks, visit order) and the completed values back into imputed data sets, held
as each set's values at the gaps (imputation.imputed_sets), not as m copies.
"""

import logging
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd

from interplay.errors import InputError, require_columns
from interplay.imputation.batched import ChainPlan, completed_chunks
from interplay.imputation.imputed_sets import IMPUTATION_COLUMN, ROW_ID_COLUMN, ImputedSets
from interplay.models.logistic import MODEL_EXPOSURES, OUTCOME, PRODUCT, term_values

log = logging.getLogger(__name__)


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


def chain_plan(
    values: np.ndarray, targets: list[int], predictors: dict[int, list[int]], iterations: int
) -> ChainPlan:
    """The chain over the value matrix's target columns that have gaps, in visit order."""
    sequence = visit_sequence(np.isnan(values), targets)
    return ChainPlan(
        sequence=sequence,
        predictors={j: predictors[j] for j in sequence},
        binary={j for j in sequence if is_binary(values[:, j])},
        iterations=iterations,
    )


def imputation_rng(seed: int | Sequence[int], imputation: int) -> np.random.Generator:
    """Generator of imputation number `imputation`, from SeedSequence([*seed, imputation])."""
    root = [seed] if isinstance(seed, int | np.integer) else list(seed)
    return np.random.default_rng(np.random.SeedSequence([*root, imputation]))


def impute_sets(
    data: pd.DataFrame,
    incomplete: list[str],
    predictors: list[str],
    m: int,
    iterations: int,
    seed: int | Sequence[int],
) -> ImputedSets:
    """m imputed copies of data: `.imp` 0 (the data as given) to m, `.id` the index.

    Each column of `incomplete` is modelled on every column of `predictors` other than itself; a
    column in both lists enters with its current imputations. Include the outcome and the product
    of the pair's codings among the predictors (compatible with the interaction model). Data set
    i depends only on (seed, i), never on m or on the chunks it is imputed in.
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
    plan = chain_plan(values, targets, predictor_index, iterations)
    rngs = [imputation_rng(seed, imputation) for imputation in range(1, m + 1)]
    gaps = {j: np.isnan(values[:, j]) for j in plan.sequence}
    imputed = {j: np.empty((m, gaps[j].sum())) for j in plan.sequence}
    started = time.perf_counter()
    # m copies of one dataset as a read-only view; only each chunk's completed values are held.
    stack = np.broadcast_to(values, (m, *values.shape))
    for first, completed in completed_chunks(stack, plan, rngs):
        for j in plan.sequence:
            imputed[j][first : first + len(completed)] = completed[:, gaps[j], j]
        log.info(
            "imputed data sets %d–%d of %d (%d variables, %d iterations), %.1f s elapsed",
            first + 1,
            first + len(completed),
            m,
            len(plan.sequence),
            iterations,
            time.perf_counter() - started,
        )
    observed = data.reset_index(drop=True)
    observed.insert(0, ROW_ID_COLUMN, data.index.to_numpy())
    observed.insert(0, IMPUTATION_COLUMN, np.zeros(len(data), dtype=np.int64))
    return ImputedSets(
        observed=observed,
        gaps={columns[j]: np.flatnonzero(gaps[j]) for j in plan.sequence},
        values={columns[j]: decode(imputed[j], levels[columns[j]]) for j in plan.sequence},
        m=m,
    )


def product_columns(data: pd.DataFrame, terms: Sequence[str]) -> dict[str, pd.Series]:
    """The product columns (`a:b`) among model terms, computed from their factors."""
    return {term: term_values(data, term) for term in terms if PRODUCT in term}


def impute_analysis_sets(
    dataset: pd.DataFrame,
    covariates: Sequence[str],
    m: int,
    iterations: int,
    seed: int | Sequence[int],
) -> ImputedSets:
    """Impute an analysis dataset's model variables, compatibly with both interaction models.

    The outcome, every covariate and both codings of the pair with their products are predictors
    of every incomplete variable (docs/analysis_plan.md §6: never impute, then form the product).
    """
    with_products, predictors, incomplete = imputation_model(dataset, covariates)
    imputed = impute_sets(with_products, incomplete, predictors, m, iterations, seed)
    return imputed.without(list(with_products.columns.difference(dataset.columns)))


def imputation_model(
    dataset: pd.DataFrame, covariates: Sequence[str]
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The dataset with the pair's products, the model variables, and the incomplete ones."""
    require_columns(
        dataset.columns,
        covariates,
        table="analysis dataset",
        fix="name the analysis dataset's columns in the adjustment set (covariates.sets)",
    )
    exposures = [*MODEL_EXPOSURES["product"], *MODEL_EXPOSURES["continuous"]]
    predictors = list(dict.fromkeys([OUTCOME, *covariates, *exposures]))
    with_products = dataset.assign(**product_columns(dataset, exposures))
    incomplete = [column for column in predictors if with_products[column].isna().any()]
    return with_products, predictors, incomplete


def imputations_of_nothing(dataset: pd.DataFrame, covariates: Sequence[str], m: int) -> ImputedSets:
    """The imputations of a dataset whose model variables are all observed: what
    impute_analysis_sets gives it (m copies without gaps), for analyses whose imputation
    job the workflow skips (an empty adjustment set and both pair variables required)."""
    incomplete = imputation_model(dataset, covariates)[2]
    if incomplete:
        raise InputError(
            f"the analysis dataset has missing values in {', '.join(incomplete)}, which an "
            "analysis without covariates does not impute",
            file="analysis dataset",
            fix="adjust for a covariate set, or use missing_data.method complete_case",
        )
    return impute_analysis_sets(dataset, covariates, m, iterations=0, seed=0)


def impute_analysis_dataset(
    dataset: pd.DataFrame,
    covariates: Sequence[str],
    m: int,
    iterations: int,
    seed: int | Sequence[int],
) -> pd.DataFrame:
    """impute_analysis_sets in long format (`.imp` 0..m, `.id`), as R's mice::as.mids reads it."""
    return impute_analysis_sets(dataset, covariates, m, iterations, seed).long_frame()
