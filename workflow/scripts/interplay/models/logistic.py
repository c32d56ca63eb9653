"""Logistic models of the outcome on the pair's exposure and modifier (docs/analysis_plan.md §5
items 1–5).

Design matrices from the analysis dataset, maximum-likelihood fits, linear combinations of
coefficients, stratum-specific models, standardised risks, and Wald / Rubin summaries of estimates
from one or more (imputed) data sets. The joint-category models are in analysis/fit.py.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from interplay import errors
from interplay.columns import CATEGORY_LEVELS
from interplay.errors import InputError
from interplay.models.batched import sigmoid
from interplay.models.distributions import t_quantile
from interplay.models.firth import fit_firth
from interplay.models.newton import MODEL_RULE, newton_logistic
from interplay.models.pool import pool_rubin

DATASET = "analysis dataset"
OUTCOME = "outcome"
INTERCEPT = "intercept"
PRODUCT = ":"
ESTIMATORS = ("logistic", "firth")
# The model-based interval methods (Wald z for one data set, Rubin's rules t for imputed ones) and
# the delta method on either; every other ci_method is a bootstrap or MOVER interval.
MODEL_BASED_METHODS = ("wald_z", "rubin_t")
DELTA_METHODS = ("delta_wald_z", "delta_rubin_t")
# Fit status, worst last: an estimate table's row takes the worst status of the fits behind it.
OK, NOT_CONVERGED, SEPARATION = "ok", "not_converged", "separation"
STATUSES = (OK, NOT_CONVERGED, SEPARATION)
# A fitted probability this close to 0 or 1 means a coefficient is running off to ±inf while the
# likelihood stays finite (quasi-complete separation); no finite MLE predicts that certainly.
SEPARATION_PROBABILITY = 1e-8
FIRTH_HINT = (
    "Firth's penalised likelihood gives finite estimates under separation: set "
    "`analyses: {{{analysis}: {{models: {{estimator: firth}}}}}}` in config.yaml"
)

MODEL_EXPOSURES: dict[str, list[str]] = {
    "exposure": ["exposure_high"],
    "modifier": ["modifier_high"],
    "main_effects": ["exposure_high", "modifier_high"],
    "product": ["exposure_high", "modifier_high", "exposure_high:modifier_high"],
    "continuous": ["exposure_scaled", "modifier_scaled", "exposure_scaled:modifier_scaled"],
}


@dataclass(frozen=True)
class LogisticFit:
    """A fitted logistic model: coefficients (log-odds), covariance and fit statistics."""

    terms: list[str]
    estimates: np.ndarray
    covariance: np.ndarray
    loglik: float
    n: int
    n_events: int
    status: str  # ok | not_converged | separation
    estimator: str

    @property
    def converged(self) -> bool:
        """Whether the fit reached its (finite) maximum."""
        return self.status == OK

    def index(self, term: str) -> int:
        """Position of a term among the coefficients."""
        return self.terms.index(term)

    def weights(self, weights: Mapping[str, float]) -> np.ndarray:
        """The coefficient weight vector of a linear combination given as {term: weight}."""
        vector = np.zeros(len(self.terms))
        for term, weight in weights.items():
            vector[self.index(term)] = weight
        return vector


def covariate_terms(covariates: Sequence[str]) -> list[str]:
    """Model terms for covariates: a category becomes one indicator per non-reference level."""
    terms: list[str] = []
    for column in covariates:
        levels = CATEGORY_LEVELS.get(column)
        terms += [f"{column}_{level}" for level in levels[1:]] if levels else [column]
    return terms


def model_terms(exposures: Sequence[str], covariates: Sequence[str]) -> list[str]:
    """All coefficient names of a model: intercept, exposure terms, covariate terms."""
    return [INTERCEPT, *exposures, *covariate_terms(covariates)]


def indicator_source(term: str) -> tuple[str, str] | None:
    """(column, level) when the term is a category indicator such as sex_male, else None."""
    for column, levels in CATEGORY_LEVELS.items():
        for level in levels[1:]:
            if term == f"{column}_{level}":
                return column, level
    return None


def source_columns(terms: Sequence[str]) -> list[str]:
    """The dataset columns that the model terms are computed from."""
    columns: list[str] = []
    for term in terms:
        if term == INTERCEPT:
            continue
        source = indicator_source(term)
        for column in [source[0]] if source else term.split(PRODUCT):
            if column not in columns:
                columns.append(column)
    return columns


def require_dataset_columns(data: pd.DataFrame, columns: Sequence[str]) -> None:
    """Stop with an InputError when the dataset lacks any of the columns."""
    errors.require_columns(
        data.columns,
        columns,
        table=DATASET,
        fix="rebuild results/data/analysis_dataset.csv with the workflow's data rules, or "
        "remove the column from covariates.sets in config.yaml",
    )


def category_indicator(data: pd.DataFrame, column: str, level: str) -> pd.Series:
    """1.0 where the category equals the level, 0.0 at other known levels, NaN where missing."""
    values = data[column]
    unknown = values.notna() & ~values.isin(CATEGORY_LEVELS[column])
    if unknown.any():
        raise InputError(
            f"'{column}' has values outside {', '.join(CATEGORY_LEVELS[column])}",
            file=DATASET,
            column=column,
            ids=data.loc[unknown, "patient_id"] if "patient_id" in data else [],
            fix="recode the column (config data.codes) to the levels in the data dictionary",
        )
    return (values == level).astype(float).where(values.notna())


def numeric_column(data: pd.DataFrame, column: str) -> pd.Series:
    """A dataset column as float, with an InputError naming the rows that are not numbers."""
    if pd.api.types.is_numeric_dtype(data[column]):
        # What pd.to_numeric would give, without its per-call cost (it returns numbers as they
        # are): design matrices are built for every model and imputed data set.
        return data[column].astype(float)
    values = pd.to_numeric(data[column], errors="coerce").astype(float)
    bad = values.isna() & data[column].notna()
    if bad.any():
        raise InputError(
            f"'{column}' holds values that are not numbers",
            file=DATASET,
            column=column,
            ids=data.loc[bad, "patient_id"] if "patient_id" in data else [],
            fix="correct these values in the input table",
        )
    return values


def term_values(data: pd.DataFrame, term: str) -> pd.Series:
    """The values of one model term (intercept, indicator, column or product of columns)."""
    if term == INTERCEPT:
        return pd.Series(1.0, index=data.index)
    source = indicator_source(term)
    if source:
        return category_indicator(data, *source)
    parts = [numeric_column(data, column) for column in term.split(PRODUCT)]
    return np.prod(parts, axis=0) if len(parts) > 1 else parts[0]


def term_columns(data: pd.DataFrame, terms: Sequence[str]) -> dict[str, np.ndarray]:
    """Each term's float values, keyed by term (NaN where a source value is missing)."""
    require_dataset_columns(data, source_columns(terms))
    return {term: np.asarray(term_values(data, term), dtype=float) for term in terms}


def design_matrix(data: pd.DataFrame, terms: Sequence[str]) -> pd.DataFrame:
    """The float design matrix, one column per term (NaN where a source value is missing)."""
    return pd.DataFrame(term_columns(data, terms), index=data.index)


@dataclass(frozen=True)
class TermData:
    """A data set's model-term columns, computed once for all models fitted to it, and outcome."""

    columns: Mapping[str, np.ndarray]
    outcome: np.ndarray


def complete_rows(data: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """True where every one of the columns has a value."""
    require_dataset_columns(data, columns)
    return data[list(columns)].notna().all(axis=1)


def check_estimator(estimator: str) -> None:
    """Refuse an estimator that is not implemented."""
    if estimator not in ESTIMATORS:
        raise InputError(
            f"models.estimator '{estimator}' is not available",
            file="config.yaml",
            column="models.estimator",
            fix=f"use one of: {', '.join(ESTIMATORS)}",
        )


def check_identifiable(design: pd.DataFrame, context: str) -> None:
    """Stop when the design matrix is rank-deficient (a constant or collinear term)."""
    matrix = design.to_numpy()
    if np.linalg.matrix_rank(matrix) == matrix.shape[1]:
        return
    constant = [term for term in design.columns if term != INTERCEPT and design[term].nunique() < 2]
    culprit = f" ({', '.join(constant)} constant)" if constant else ""
    raise InputError(
        f"the {context} cannot be estimated: its terms are collinear{culprit}",
        file=DATASET,
        column=constant[0] if constant else None,
        fix="drop the constant or collinear covariate from covariates.sets in config.yaml",
    )


def fit_status(converged: bool, separated: bool) -> str:
    """The status of a fit: separation, else not_converged, else ok."""
    if separated:
        return SEPARATION
    return OK if converged else NOT_CONVERGED


def worst_status(statuses: Iterable[str]) -> str:
    """The worst of several fits' statuses (ok only if every fit is ok)."""
    return max(statuses, key=STATUSES.index, default=OK)


def maximum_likelihood(design: np.ndarray, y: np.ndarray) -> tuple:
    """Ordinary logistic ML by Newton–Raphson: estimates, covariance, log-likelihood, status.

    Fitted probabilities at 0 or 1 mean (quasi-complete) separation.
    """
    fit = newton_logistic(design, y, rule=MODEL_RULE)
    certain = np.minimum(fit.fitted, 1 - fit.fitted) < SEPARATION_PROBABILITY
    status = fit_status(fit.converged, separated=bool(certain.any()))
    return fit.estimates, fit.covariance, fit.loglik, status


def penalised_likelihood(design: np.ndarray, y: np.ndarray) -> tuple:
    """Firth-penalised logistic regression (Heinze & Schemper 2002): the same four results."""
    fit = fit_firth(design, y)
    return fit.params, fit.covariance, fit.loglik, fit_status(fit.converged, separated=False)


FITTERS = {"logistic": maximum_likelihood, "firth": penalised_likelihood}


def fit_logistic(
    design: pd.DataFrame,
    outcome: np.ndarray,
    estimator: str = "logistic",
    context: str = "model",
) -> LogisticFit:
    """Logistic regression (ML or Firth-penalised) of a 0/1 outcome on a design matrix."""
    check_estimator(estimator)
    check_identifiable(design, context)
    y = np.asarray(outcome, dtype=float)
    estimates, covariance, loglik, status = FITTERS[estimator](design.to_numpy(float), y)
    return LogisticFit(
        terms=list(design.columns),
        estimates=np.asarray(estimates, dtype=float),
        covariance=np.asarray(covariance, dtype=float),
        loglik=loglik,
        n=len(y),
        n_events=int(y.sum()),
        status=status,
        estimator=estimator,
    )


def outcome_values(data: pd.DataFrame, outcome: str = OUTCOME) -> np.ndarray:
    """The 0/1 outcome as floats, with an InputError naming rows that are missing or not 0/1."""
    require_dataset_columns(data, [outcome])
    values = pd.to_numeric(data[outcome], errors="coerce")
    bad = ~values.isin([0, 1])
    if bad.any():
        raise InputError(
            f"'{outcome}' must be 0 or 1 in every analysed row",
            file=DATASET,
            column=outcome,
            ids=data.loc[bad, "patient_id"] if "patient_id" in data else [],
            fix="rebuild the analysis dataset; the outcome is derived from the HAMD visits",
        )
    return values.to_numpy(dtype=float)


def term_data(data: pd.DataFrame, terms: Sequence[str], outcome: str = OUTCOME) -> TermData:
    """The term columns and 0/1 outcome of a data set, for fit_terms."""
    return TermData(term_columns(data, terms), outcome_values(data, outcome))


def fit_terms(
    data: TermData,
    terms: Sequence[str],
    estimator: str = "logistic",
    context: str = "model",
    rows: np.ndarray | None = None,
) -> LogisticFit:
    """Fit the logistic model with these terms to the data's rows (or the boolean rows given)."""
    chosen = slice(None) if rows is None else rows
    design = pd.DataFrame({term: data.columns[term][chosen] for term in terms})
    if design.isna().to_numpy().any():
        raise ValueError(f"{context}: the design has missing values; select complete rows first")
    return fit_logistic(design, data.outcome[chosen], estimator, context)


def fit_model(
    data: pd.DataFrame,
    terms: Sequence[str],
    estimator: str = "logistic",
    context: str = "model",
    outcome: str = OUTCOME,
) -> LogisticFit:
    """Fit the logistic model with these terms to rows complete on them (the caller's choice)."""
    return fit_terms(term_data(data, terms, outcome), terms, estimator, context)


def linear_combination(fit: LogisticFit, weights: Mapping[str, float]) -> tuple[float, float]:
    """Estimate and variance of Σ w·β for weights {term: w} (variance w' V w)."""
    vector = fit.weights(weights)
    return float(vector @ fit.estimates), float(vector @ fit.covariance @ vector)


def product_term(first: str, second: str, terms: Sequence[str]) -> str:
    """The name under which the product of two columns appears among the terms."""
    for name in (f"{first}{PRODUCT}{second}", f"{second}{PRODUCT}{first}"):
        if name in terms:
            return name
    raise ValueError(f"no product of {first} and {second} among {list(terms)}")


def stratum_weights(fit: LogisticFit, exposure: str, modifier: str) -> dict[int, dict[str, float]]:
    """Weights giving the exposure's log-OR at modifier 0 (β_e) and 1 (β_e + β_product)."""
    product = product_term(exposure, modifier, fit.terms)
    return {0: {exposure: 1.0}, 1: {exposure: 1.0, product: 1.0}}


def stratum_fits(
    data: TermData,
    exposure: str,
    modifier: str,
    covariates: Sequence[str],
    estimator: str = "logistic",
) -> dict[int, LogisticFit]:
    """Separate models of the outcome on the exposure in each modifier stratum (0 and 1).

    The data's columns hold the model's terms and the modifier (a 0/1 term).
    """
    terms = model_terms([exposure], covariates)
    level = data.columns[modifier]
    return {
        stratum: fit_terms(
            data, terms, estimator, f"model in {modifier} = {stratum}", level == stratum
        )
        for stratum in (0, 1)
    }


# Patients × settings evaluated at once by standardised_risks (32 MB of float64 per array).
RISK_CHUNK_ELEMENTS = 4_000_000


def set_terms(terms: Sequence[str], columns: Iterable[str]) -> list[int]:
    """Positions of the terms built only from the given columns (an exposure and its products)."""
    given = set(columns)
    return [j for j, term in enumerate(terms) if set(term.split(PRODUCT)) <= given]


def standardised_risks(
    fit: LogisticFit, design: pd.DataFrame, settings: Sequence[Mapping[str, float]]
) -> tuple[np.ndarray, np.ndarray]:
    """Mean predicted probabilities (G,) over the design's rows with the exposures fixed at each of
    G settings {column: value}, and their gradients (G, p) in the coefficients.

    g-computation (marginal standardisation): each patient's covariates as observed, exposures as
    set; the gradients feed delta-method variances conditional on the sample. The terms the
    settings fix are constant over patients, so the linear predictor is the covariates' part,
    computed once, plus one constant per setting: a patients × settings array, not a design per
    setting.
    """
    matrix = design[fit.terms].to_numpy(dtype=float)
    fixed = set_terms(fit.terms, settings[0])
    free = [j for j in range(len(fit.terms)) if j not in fixed]
    values = np.array(
        [
            [np.prod([s[part] for part in fit.terms[j].split(PRODUCT)]) for j in fixed]
            for s in settings
        ]
    ).reshape(len(settings), len(fixed))
    covariates = matrix[:, free]
    base = covariates @ fit.estimates[free]
    shift = values @ fit.estimates[fixed]
    n = len(matrix)
    risks = np.empty(len(settings))
    gradients = np.empty((len(settings), len(fit.terms)))
    width = max(1, RISK_CHUNK_ELEMENTS // max(n, 1))
    for start in range(0, len(settings), width):
        part = slice(start, start + width)
        # settings × patients, so that each mean is numpy's pairwise sum over one contiguous row
        probability = sigmoid(np.add.outer(shift[part], base))
        variance = 1 - probability
        variance *= probability
        risks[part] = probability.mean(axis=1)
        gradients[part, free] = variance @ covariates / n
        gradients[part, fixed] = values[part] * (variance.sum(axis=1) / n)[:, None]
    return risks, gradients


def summarise_estimates(
    estimates: np.ndarray,
    variances: np.ndarray,
    terms: Sequence[str],
    df_complete: float,
    ci_level: float,
) -> pd.DataFrame:
    """Inference for k quantities estimated in m data sets: Wald z (m = 1) or Rubin's rules.

    estimates and variances are (m, k). Returns term, estimate, std_error, df, statistic, p_value,
    ci_low, ci_high (estimate scale), fmi and ci_method: m = 1 gives Wald z intervals (df = inf,
    fmi NaN); m > 1 pools by Rubin's rules with Barnard–Rubin df and t intervals.
    """
    estimates = np.atleast_2d(np.asarray(estimates, dtype=float))
    variances = np.atleast_2d(np.asarray(variances, dtype=float))
    single = estimates.shape[0] == 1
    pooled = pool_rubin(estimates, variances, np.inf if single else df_complete, list(terms))
    critical = t_quantile(0.5 + ci_level / 2, pooled["df"].to_numpy())
    half_width = critical * pooled["std_error"].to_numpy()
    return pd.DataFrame(
        {
            "term": list(terms),
            "estimate": pooled["estimate"].to_numpy(),
            "std_error": pooled["std_error"].to_numpy(),
            "df": pooled["df"].to_numpy(),
            "statistic": pooled["statistic"].to_numpy(),
            "p_value": pooled["p_value"].to_numpy(),
            "ci_low": pooled["estimate"].to_numpy() - half_width,
            "ci_high": pooled["estimate"].to_numpy() + half_width,
            "fmi": np.nan if single else pooled["fmi"].to_numpy(),
            "ci_method": "wald_z" if single else "rubin_t",
        }
    )


def summarise_fits(fits: Sequence[LogisticFit], ci_level: float) -> pd.DataFrame:
    """summarise_estimates for the coefficients of one model fitted to each data set."""
    estimates = np.array([fit.estimates for fit in fits])
    variances = np.array([np.diag(fit.covariance) for fit in fits])
    df_complete = fits[0].n - len(fits[0].terms)
    return summarise_estimates(estimates, variances, fits[0].terms, df_complete, ci_level)
