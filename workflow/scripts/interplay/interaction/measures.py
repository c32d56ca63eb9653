"""Interaction of two binary exposures on the multiplicative and additive scales.

Knol & VanderWeele (Int J Epidemiol 2012) reporting: the joint odds ratios OR10, OR01, OR11 against
a reference cell, RERI, AP and the synergy index S with delta-method (Hosmer & Lemeshow,
Epidemiology 1992) and MOVER (Zou, Am J Epidemiol 2008) intervals, and on the risk scale, from
standardised predicted risks, the interaction contrast IC = p11 − p10 − p01 + p00 and RERI_RR, AP_RR
and S_RR (Rothman, Modern Epidemiology 2008, ch. 5) with delta-method intervals conditional on the
sample's covariates or also over their distribution (influence functions of g-computation).

Everything works on the three exposure coefficients (β_A, β_B, β_AB) of a product model
logit P(Y) = … + β_A A + β_B B + β_AB A·B estimated in m ≥ 1 data sets (arrays with a leading
m axis); m = 1 gives Wald z inference, m > 1 pools by Rubin's rules (models.summarise_estimates).
`direction` = +1 describes the modelled outcome, −1 its complement (a logistic model of 1 − Y has
coefficients −β), so non-remission measures come from a model of remission.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from interplay.interaction.product_tests import product_tests
from interplay.models import logistic as models
from interplay.models.logistic import LogisticFit, summarise_estimates
from interplay.models.p_values import inverted_p_value, reporting_null
from interplay.models.pool import pooled_covariance

log = logging.getLogger(__name__)

Cell = tuple[int, int]
CELLS: list[Cell] = [(0, 0), (1, 0), (0, 1), (1, 1)]
JOINT_NAMES = ["or_10", "or_01", "or_11"]
TABLE_COLUMNS = [
    "measure", "scale", "outcome", "reference_group", "reference_rule",
    "estimate", "ci_low", "ci_high", "ci_method", "df1", "df2", "p_value",
]  # fmt: skip
RISK_MEASURES = ["reri_rr", "ap_rr", "s_rr"]
RISK_SCALE_MEASURES = ["ic", *RISK_MEASURES]
# IC = p11 − p10 − p01 + p00 as weights on the recoded risks p00, p10, p01, p11.
IC_CONTRAST = np.array([1.0, -1.0, -1.0, 1.0])


def cell_contrast(cell: Cell) -> np.ndarray:
    """Weights on (β_A, β_B, β_AB) giving a cell's log-odds relative to cell (0, 0)."""
    a, b = cell
    return np.array([a, b, a * b], dtype=float)


def original_cell(recoded: Cell, reference: Cell) -> Cell:
    """The cell in original exposure levels of a cell in levels recoded against the reference."""
    return (recoded[0] ^ reference[0], recoded[1] ^ reference[1])


def joint_contrasts(reference: Cell, direction: int = 1) -> np.ndarray:
    """(3, 3) map from (β_A, β_B, β_AB) to log OR10, OR01, OR11 against the reference cell.

    Recoded exposures are A* = |A − A_ref|, B* = |B − B_ref| (Knol et al., Eur J Epidemiol 2011).
    """
    base = cell_contrast(reference)
    rows = [cell_contrast(original_cell(c, reference)) - base for c in [(1, 0), (0, 1), (1, 1)]]
    return direction * np.array(rows)


def lowest_risk_cell(exposure_coefficients: np.ndarray, direction: int = 1) -> Cell:
    """The cell with the lowest modelled odds of the outcome (first of any ties)."""
    log_odds = [direction * cell_contrast(c) @ exposure_coefficients for c in CELLS]
    return CELLS[int(np.argmin(log_odds))]


def reference_cell(held: Cell | None, exposure_coefficients: np.ndarray) -> Cell:
    """The held cell, else the lowest-risk cell of non-<outcome> under (β_A, β_B, β_AB)."""
    if held is not None:
        return held
    return lowest_risk_cell(exposure_coefficients, direction=-1)


def transform(
    coefficients: np.ndarray, covariances: np.ndarray, matrix: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-data-set linear transforms: estimates (m, r) and covariances (m, r, r)."""
    estimates = coefficients @ matrix.T
    covs = np.einsum("ij,mjk,lk->mil", matrix, covariances, matrix)
    return estimates, covs


def diagonal(covariances: np.ndarray) -> np.ndarray:
    """Variances (m, r) from covariances (m, r, r)."""
    return np.diagonal(covariances, axis1=1, axis2=2)


def joint_odds_ratios(
    log_ors: np.ndarray, covariances: np.ndarray, df_complete: float, ci_level: float
) -> pd.DataFrame:
    """OR10, OR01, OR11 with intervals from log ORs (m, 3) and their covariances (m, 3, 3)."""
    table = summarise_estimates(log_ors, diagonal(covariances), JOINT_NAMES, df_complete, ci_level)
    for column in ["estimate", "ci_low", "ci_high"]:
        table[column] = np.exp(table[column])
    return table


def additive_values(theta: np.ndarray) -> np.ndarray:
    """RERI, AP and ln S from log OR10, OR01, OR11 (rows of theta, shape (m, 3))."""
    or10, or01, or11 = np.exp(theta).T
    reri = or11 - or10 - or01 + 1
    with np.errstate(invalid="ignore", divide="ignore"):  # S undefined: OR11 ≤ 1 or OR10+OR01 ≤ 2
        log_s = np.log(or11 - 1) - np.log(or10 + or01 - 2)
    return np.column_stack([reri, reri / or11, log_s])


def additive_gradients(theta: np.ndarray) -> np.ndarray:
    """(m, 3 measures, 3 log ORs) gradients of RERI, AP and ln S (Hosmer & Lemeshow 1992)."""
    or10, or01, or11 = np.exp(theta).T
    with np.errstate(invalid="ignore", divide="ignore"):
        s_denominator = or10 + or01 - 2
        rows = [
            [-or10, -or01, or11],
            [-or10 / or11, -or01 / or11, (or10 + or01 - 1) / or11],
            [-or10 / s_denominator, -or01 / s_denominator, or11 / (or11 - 1)],
        ]
    return np.moveaxis(np.array(rows), -1, 0)


def additive_delta(
    theta: np.ndarray, covariances: np.ndarray, df_complete: float, ci_level: float
) -> pd.DataFrame:
    """RERI, AP (natural scale) and S (pooled and tested on the log scale), delta-method CIs."""
    gradients = additive_gradients(theta)
    variances = np.einsum("mij,mjk,mik->mi", gradients, covariances, gradients)
    table = summarise_estimates(
        additive_values(theta), variances, ["reri", "ap", "s"], df_complete, ci_level
    )
    return exponentiated(table, "s")


def exponentiated(table: pd.DataFrame, term: str) -> pd.DataFrame:
    """The table with one term's estimate and limits, pooled on the log scale, exponentiated."""
    rows = table["term"] == term
    for column in ["estimate", "ci_low", "ci_high"]:
        table.loc[rows, column] = np.exp(table.loc[rows, column])
    return table


@dataclass(frozen=True)
class MoverMeasure:
    """A measure written as constant + Σ sign_j · back(h_j(θ)), h_j on a scale with Wald limits."""

    name: str
    terms: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]  # θ -> h (m, r), dh/dθ (m, r, 3)
    signs: np.ndarray
    constant: float
    exponentiate_terms: bool  # terms enter the sum as exp(h_j)
    exponentiate_sum: bool  # the sum is the log of the measure


def linear_terms(matrix: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Terms h = G θ and their Jacobian G, per data set."""
    return theta @ matrix.T, np.broadcast_to(matrix, (theta.shape[0], *matrix.shape))


def s_terms(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ln(OR11 − 1) and ln(OR10 + OR01 − 2), the two halves of ln S, and their Jacobian."""
    or10, or01, or11 = np.exp(theta).T
    gradient = additive_gradients(theta)[:, 2, :]
    jacobian = np.zeros((len(theta), 2, 3))
    jacobian[:, 0, 2] = gradient[:, 2]
    jacobian[:, 1, :2] = -gradient[:, :2]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.column_stack([np.log(or11 - 1), np.log(or10 + or01 - 2)]), jacobian


RERI_MATRIX = np.array([[0.0, 0, 1], [1, 0, 0], [0, 1, 0]])  # OR11, OR10, OR01
AP_MATRIX = np.array([[0.0, 0, -1], [1, 0, -1], [0, 1, -1]])  # 1/OR11, OR10/OR11, OR01/OR11
MOVER_MEASURES = [
    MoverMeasure(
        "reri", partial(linear_terms, RERI_MATRIX), np.array([1.0, -1, -1]), 1, True, False
    ),
    MoverMeasure("ap", partial(linear_terms, AP_MATRIX), np.array([1.0, -1, -1]), 1, True, False),
    MoverMeasure("s", s_terms, np.array([1.0, -1]), 0, False, True),
]


def mover_limits(
    points: np.ndarray, lows: np.ndarray, highs: np.ndarray, correlation: np.ndarray
) -> tuple[float, float]:
    """Zou (2008) MOVER limits of Σ_j θ_j from each term's own limits and their correlations."""
    below = points - lows
    above = highs - points
    total = points.sum()
    return (
        float(total - np.sqrt(below @ correlation @ below)),
        float(total + np.sqrt(above @ correlation @ above)),
    )


def mover_interval(
    measure: MoverMeasure,
    theta: np.ndarray,
    covariances: np.ndarray,
    df_complete: float,
    ci_level: float,
) -> tuple[float, float, float]:
    """A measure's pooled point estimate and MOVER interval from per-data-set log ORs.

    Each term's limits come from its pooled Wald (z or Rubin t) interval on its own scale; term
    correlations from the pooled total covariance (Zou 2008 uses those of the log ORs).
    """
    values, jacobian = measure.terms(theta)
    covs = np.einsum("mij,mjk,mlk->mil", jacobian, covariances, jacobian)
    limits = summarise_estimates(
        values, diagonal(covs), [str(j) for j in range(values.shape[1])], df_complete, ci_level
    )
    pooled = pooled_covariance(covs, values)
    scale = np.sqrt(np.diag(pooled))
    correlation = pooled / np.outer(scale, scale) * np.outer(measure.signs, measure.signs)
    back = np.exp if measure.exponentiate_terms else np.asarray
    point, low, high = (back(limits[c].to_numpy()) for c in ["estimate", "ci_low", "ci_high"])
    signs = measure.signs  # a negated term's limits swap
    points = signs * point
    lows, highs = np.where(signs > 0, low, -high), np.where(signs > 0, high, -low)
    low, high = mover_limits(points, lows, highs, correlation)
    estimate = measure.constant + points.sum()
    low, high = measure.constant + low, measure.constant + high
    if measure.exponentiate_sum:
        return float(np.exp(estimate)), float(np.exp(low)), float(np.exp(high))
    return float(estimate), low, high


def mover_p_value(
    measure: MoverMeasure, theta: np.ndarray, covariances: np.ndarray, df_complete: float
) -> float:
    """The smallest α at which the (1 − α) MOVER interval excludes the measure's null (test
    inversion: the p-value whose rejection region agrees with the interval at every level)."""

    def limits(alpha: float) -> tuple[float, float]:
        with np.errstate(over="ignore"):  # near α = 0 the limits of S run off to inf
            return mover_interval(measure, theta, covariances, df_complete, 1 - alpha)[1:]

    return inverted_p_value(limits, reporting_null(measure.name))


def additive_mover(
    theta: np.ndarray, covariances: np.ndarray, df_complete: float, ci_level: float
) -> pd.DataFrame:
    """RERI, AP and S: MOVER intervals and p-values (term, estimate, ci_low, ci_high, p_value)."""
    rows = [
        (
            measure.name,
            *mover_interval(measure, theta, covariances, df_complete, ci_level),
            mover_p_value(measure, theta, covariances, df_complete),
        )
        for measure in MOVER_MEASURES
    ]
    return pd.DataFrame(rows, columns=["term", "estimate", "ci_low", "ci_high", "p_value"])


def recoding(reference: Cell) -> np.ndarray:
    """(4, 4) map from the risks of CELLS (original levels) to p00, p10, p01, p11 recoded against
    the reference cell."""
    matrix = np.zeros((len(CELLS), len(CELLS)))
    for row, recoded in enumerate(CELLS):
        matrix[row, CELLS.index(original_cell(recoded, reference))] = 1.0
    return matrix


def ic_weights(reference: Cell) -> np.ndarray:
    """Weights on the risks of CELLS (original levels) giving IC against the reference cell."""
    return IC_CONTRAST @ recoding(reference)


def risk_ratio_values(recoded: np.ndarray) -> np.ndarray:
    """RERI_RR, AP_RR and ln S_RR from recoded risks p00, p10, p01, p11 (rows, shape (m, 4)).

    RERI_RR = IC / p00, AP_RR = IC / p11, S_RR = (p11 − p00) / (p10 + p01 − 2 p00) with
    IC = p11 − p10 − p01 + p00 (Rothman 2008; VanderWeele & Knol, Epidemiol Methods 2014).
    """
    p00, p10, p01, p11 = recoded.T
    contrast = p11 - p10 - p01 + p00
    with np.errstate(invalid="ignore", divide="ignore"):  # S undefined: p11 ≤ p00 or p10+p01 ≤ 2p00
        log_s = np.log(p11 - p00) - np.log(p10 + p01 - 2 * p00)
        return np.column_stack([contrast / p00, contrast / p11, log_s])


def risk_ratio_gradients(recoded: np.ndarray) -> np.ndarray:
    """(m, 3 measures, 4 risks) gradients of RERI_RR, AP_RR and ln S_RR in p00, p10, p01, p11."""
    p00, p10, p01, p11 = recoded.T
    contrast = p11 - p10 - p01 + p00
    with np.errstate(invalid="ignore", divide="ignore"):
        joint, separate = p11 - p00, p10 + p01 - 2 * p00
        rows = [
            [1 / p00 - contrast / p00**2, -1 / p00, -1 / p00, 1 / p00],
            [1 / p11, -1 / p11, -1 / p11, 1 / p11 - contrast / p11**2],
            [2 / separate - 1 / joint, -1 / separate, -1 / separate, 1 / joint],
        ]
    return np.moveaxis(np.array(rows), -1, 0)


def additive_risk_delta(
    risks: np.ndarray,
    risk_covariances: np.ndarray,
    reference: Cell,
    df_complete: float,
    ci_level: float,
) -> pd.DataFrame:
    """IC = p11 − p10 − p01 + p00, RERI_RR, AP_RR (natural scale) and S_RR (pooled on the log
    scale), cells recoded against the reference, with delta-method CIs from the risks of CELLS
    (m, 4) and their covariances (m, 4, 4)."""
    weights = ic_weights(reference)
    recoded, covariances = transform(risks, risk_covariances, recoding(reference))
    gradients = risk_ratio_gradients(recoded)
    values = np.column_stack([risks @ weights, risk_ratio_values(recoded)])
    variances = np.column_stack(
        [
            np.einsum("i,mij,j->m", weights, risk_covariances, weights),
            np.einsum("mij,mjk,mik->mi", gradients, covariances, gradients),
        ]
    )
    table = summarise_estimates(values, variances, RISK_SCALE_MEASURES, df_complete, ci_level)
    return exponentiated(table, "s_rr")


def synergy_not_defined(theta: np.ndarray, recoded: np.ndarray) -> dict[str, str]:
    """Why S (from log OR10, OR01, OR11, (m, 3)) and S_RR (from recoded risks p00, p10, p01,
    p11, (m, 4)) are not defined, by measure: S needs OR11 > 1 and OR10 + OR01 > 2, S_RR
    p11 > p00 and p10 + p01 > 2 p00 (the logs of additive_values and risk_ratio_values)."""
    or10, or01, or11 = np.exp(theta).T
    p00, p10, p01, p11 = recoded.T
    conditions = {
        "s": [("OR11 ≤ 1", or11 <= 1), ("OR10 + OR01 ≤ 2", or10 + or01 <= 2)],
        "s_rr": [("p11 ≤ p00", p11 <= p00), ("p10 + p01 ≤ 2 p00", p10 + p01 <= 2 * p00)],
    }
    return {
        measure: "; ".join(
            f"{words} in {failed.sum()} of {len(failed)} data sets"
            for words, failed in tests
            if failed.any()
        )
        for measure, tests in conditions.items()
        if any(failed.any() for _, failed in tests)
    }


def cell_name(cell: Cell, exposures: Sequence[str]) -> str:
    """Readable name of a cell of two 0/1 exposures, e.g. exposure_high_modifier_low."""
    levels = ("low", "high")
    return "_".join(
        f"{name.removesuffix('_high')}_{levels[level]}"
        for name, level in zip(exposures, cell, strict=True)
    )


def exposure_block(
    fits: Sequence[LogisticFit], terms: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """The coefficients (β_A, β_B, β_AB) per data set (m, 3) and their covariances (m, 3, 3)."""
    index = [fits[0].index(t) for t in terms]
    return (
        np.array([f.estimates[index] for f in fits]),
        np.array([f.covariance[np.ix_(index, index)] for f in fits]),
    )


def cell_risks(
    fits: Sequence[LogisticFit],
    data_sets: Sequence[pd.DataFrame],
    exposures: Sequence[str],
    direction: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Standardised risks (m, 4) of the outcome (direction 1) or its complement (−1) per cell of
    CELLS, and their delta-method covariances (m, 4, 4), conditional on the sample's covariates.
    """
    risks, covariances = [], []
    for fit, data in zip(fits, data_sets, strict=True):
        settings = [dict(zip(exposures, cell, strict=True)) for cell in CELLS]
        risk, gradient = models.standardised_risks(
            fit, models.design_matrix(data, fit.terms), settings
        )
        gradients = direction * gradient
        risks.append(risk if direction == 1 else 1 - risk)
        covariances.append(gradients @ fit.covariance @ gradients.T)
    return np.array(risks), np.array(covariances)


def covariate_covariances(
    fits: Sequence[LogisticFit], data_sets: Sequence[pd.DataFrame], exposures: Sequence[str]
) -> np.ndarray:
    """(m, 4, 4) sampling covariances of the standardised risks of CELLS from averaging over the
    sample's covariates: Σ_i (p_i(c) − p̄(c)) (p_i(c') − p̄(c')) / n², the covariate part of the
    g-computation influence function (Tsiatis 2006, §13); the sign of direction cancels."""
    covariances = []
    for fit, data in zip(fits, data_sets, strict=True):
        columns = []
        for cell in CELLS:
            fixed = data.assign(**dict(zip(exposures, cell, strict=True)))
            design = models.design_matrix(fixed, fit.terms)[fit.terms].to_numpy(dtype=float)
            columns.append(1 / (1 + np.exp(-(design @ fit.estimates))))
        deviations = np.column_stack(columns)
        deviations = (deviations - deviations.mean(axis=0)) / len(deviations)
        covariances.append(deviations.T @ deviations)
    return np.array(covariances)


def interaction_rows(
    table: pd.DataFrame,
    scale: str,
    outcome: str,
    reference: str,
    method_prefix: str = "",
    reference_rule: str | None = None,
) -> pd.DataFrame:
    """Rows of the interaction table from a term / estimate / limits table."""
    out = table.rename(columns={"term": "measure"})
    out = out.assign(
        scale=scale, outcome=outcome, reference_group=reference, reference_rule=reference_rule
    )
    out["ci_method"] = method_prefix + out["ci_method"]
    for column in ["df1", "df2", "p_value"]:  # only tests have degrees of freedom
        if column not in out:
            out[column] = np.nan
    return out[TABLE_COLUMNS]


def interaction_table(
    full: Sequence[LogisticFit],
    reduced: Sequence[LogisticFit],
    data_sets: Sequence[pd.DataFrame],
    product_terms: Sequence[str],
    outcome: str,
    ci_level: float,
    held_reference: Cell | None = None,
    reference_rule: str = "each_analysis",
) -> pd.DataFrame:
    """Every interaction measure of the product model (rows as run_analysis documents).

    held_reference: the reference cell of non-<outcome> held fixed (None: the lowest-risk cell of
    the pooled product model); reference_rule names how it was chosen (interaction.reference).
    """
    exposures = list(product_terms[:2])
    df_complete = full[0].n - len(full[0].terms)
    coefficients, covariances = exposure_block(full, product_terms)
    complement = f"non_{outcome}"
    baseline = cell_name((0, 0), exposures)
    ratio = summarise_estimates(
        coefficients[:, 2:], covariances[:, 2, 2:], ["ratio_of_odds_ratios"], df_complete, ci_level
    )
    ratio[["estimate", "ci_low", "ci_high"]] = np.exp(ratio[["estimate", "ci_low", "ci_high"]])
    reference = reference_cell(held_reference, coefficients.mean(axis=0))
    named = cell_name(reference, exposures)
    theta, theta_cov = transform(coefficients, covariances, joint_contrasts(reference, -1))
    risks, risk_cov = cell_risks(full, data_sets, exposures, direction=-1)
    for measure, reason in synergy_not_defined(theta, risks @ recoding(reference).T).items():
        log.warning(
            "%s of %s against the reference %s is not defined (%s): its estimate and interval "
            "are NA",
            {"s": "The synergy index S", "s_rr": "S on the risk scale (S_RR)"}[measure],
            complement,
            named,
            reason,
        )
    marginal_cov = risk_cov + covariate_covariances(full, data_sets, exposures)
    risk_names = [f"risk_{cell_name(c, exposures)}" for c in CELLS]
    risk_table = summarise_estimates(
        risks, diagonal(risk_cov), risk_names, df_complete, ci_level
    ).drop(columns="p_value")
    mover = additive_mover(theta, theta_cov, df_complete, ci_level).assign(ci_method="mover")
    held = partial(
        interaction_rows, outcome=complement, reference=named, reference_rule=reference_rule
    )
    parts = [
        interaction_rows(ratio, "multiplicative", outcome, baseline),
        interaction_rows(
            product_tests(full, reduced, data_sets), "multiplicative", outcome, baseline
        ),
        held(joint_odds_ratios(theta, theta_cov, df_complete, ci_level), "joint_odds_ratio"),
        held(
            additive_delta(theta, theta_cov, df_complete, ci_level),
            "additive",
            method_prefix="delta_",
        ),
        held(mover, "additive"),
        interaction_rows(risk_table, "risk", complement, "", "delta_"),
        held(
            additive_risk_delta(risks, risk_cov, reference, df_complete, ci_level),
            "additive_risk",
            method_prefix="delta_",
        ),
        held(
            additive_risk_delta(risks, marginal_cov, reference, df_complete, ci_level),
            "additive_risk",
            method_prefix="delta_marginal_",
        ),
    ]
    return pd.concat(parts, ignore_index=True)
