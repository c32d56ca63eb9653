"""Continuous IL-1β × BDNF interaction (docs/analysis_plan.md §5 item 7).

Model: logit P(outcome) = … + b1·exposure_scaled + b2·modifier_scaled + b3·exposure_scaled·modifier_scaled + covariates, so the
IL-1β slope at BDNF z (SD units) is b1 + b3·z, exp of which is the OR per doubling of IL-1β.
Simple slopes at BDNF percentiles, the Johnson–Neyman regions of BDNF where that slope is
significant, and standardised predicted probabilities across IL-1β at several BDNF levels.
Functions take fits of the same model to m ≥ 1 data sets (Wald z for m = 1, Rubin's rules else).
"""

import itertools
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from interplay.errors import InputError
from interplay.models.distributions import t_quantile
from interplay.models.logistic import (
    DATASET,
    LogisticFit,
    design_matrix,
    product_term,
    standardised_risks,
    summarise_estimates,
)
from interplay.models.pool import pool_rubin, pooled_covariance

EXPOSURE_TERM = "exposure_scaled"
MODIFIER_TERM = "modifier_scaled"
GRID_POINTS = 41
GRID_QUANTILES = (0.05, 0.95)  # IL-1β range of the prediction grid
SCALE_TOLERANCE = 1e-6


def bdnf_scale(data: pd.DataFrame) -> tuple[float, float]:
    """Mean and SD (ng/mL) behind modifier_scaled = (bdnf − mean) / SD, recovered from the data itself."""
    both = data[["bdnf", MODIFIER_TERM]].apply(pd.to_numeric, errors="coerce").dropna()
    if both["bdnf"].nunique() < 2:
        raise InputError(
            "BDNF takes fewer than two distinct values, so its scale cannot be established",
            file=DATASET,
            column="bdnf",
            fix="check the BDNF column of the baseline table",
        )
    slope, intercept = np.polyfit(both["bdnf"], both[MODIFIER_TERM], 1)
    residual = both[MODIFIER_TERM] - (intercept + slope * both["bdnf"])
    if np.abs(residual).max() > SCALE_TOLERANCE * (1 + both[MODIFIER_TERM].abs().max()):
        raise InputError(
            "modifier_scaled is not a linear rescaling of bdnf",
            file=DATASET,
            column=MODIFIER_TERM,
            fix="rebuild the analysis dataset with the workflow's data rules",
        )
    return float(-intercept / slope), float(1 / slope)


def slope_weights(fit: LogisticFit, z: float) -> dict[str, float]:
    """Weights of the IL-1β slope b1 + b3·z at BDNF z (SD units)."""
    return {EXPOSURE_TERM: 1.0, product_term(EXPOSURE_TERM, MODIFIER_TERM, fit.terms): z}


def slope_estimates(fits: Sequence[LogisticFit], z_values: np.ndarray) -> tuple[np.ndarray, ...]:
    """Slopes (m, len z) and their variances at each BDNF z, one row per data set."""
    weights = np.array([fits[0].weights(slope_weights(fits[0], z)) for z in z_values])
    estimates = np.array([weights @ fit.estimates for fit in fits])
    variances = np.array(
        [np.einsum("ij,jk,ik->i", weights, fit.covariance, weights) for fit in fits]
    )
    return estimates, variances


def simple_slopes(
    fits: Sequence[LogisticFit],
    bdnf_values: np.ndarray,
    scale: tuple[float, float],
    ci_level: float,
) -> pd.DataFrame:
    """IL-1β slope per doubling at each BDNF value (ng/mL): log-OR, OR and OR-scale interval.

    Columns: bdnf, modifier_scaled, estimate (log-OR), std_error, df, statistic, p_value, odds_ratio,
    ci_low, ci_high (OR scale), ci_method, fmi.
    """
    bdnf_values = np.asarray(bdnf_values, dtype=float)
    z_values = (bdnf_values - scale[0]) / scale[1]
    estimates, variances = slope_estimates(fits, z_values)
    df_complete = fits[0].n - len(fits[0].terms)
    table = summarise_estimates(
        estimates, variances, [str(z) for z in z_values], df_complete, ci_level
    )
    return pd.DataFrame(
        {
            "bdnf": bdnf_values,
            "modifier_scaled": z_values,
            **{c: table[c] for c in ["estimate", "std_error", "df", "statistic", "p_value"]},
            "odds_ratio": np.exp(table["estimate"]),
            "ci_low": np.exp(table["ci_low"]),
            "ci_high": np.exp(table["ci_high"]),
            "ci_method": table["ci_method"],
            "fmi": table["fmi"],
        }
    )


def jn_boundaries(
    b1: float, b3: float, v11: float, v13: float, v33: float, critical: float
) -> np.ndarray:
    """Real roots z of (b1 + b3 z)² = c² (v11 + 2 z v13 + z² v33), sorted (0, 1 or 2 of them)."""
    c2 = critical**2
    roots = np.roots([b3**2 - c2 * v33, 2 * (b1 * b3 - c2 * v13), b1**2 - c2 * v11])
    return np.sort(roots[np.isreal(roots)].real)


def slope_is_significant(
    z: np.ndarray, b1: float, b3: float, v11: float, v13: float, v33: float, critical: float
) -> np.ndarray:
    """Whether the slope at each z differs from zero: |b1 + b3 z| > c · SE(z)."""
    z = np.asarray(z, dtype=float)
    return (b1 + b3 * z) ** 2 > critical**2 * (v11 + 2 * z * v13 + z**2 * v33)


def pooled_slope_parameters(fits: Sequence[LogisticFit]) -> tuple[np.ndarray, np.ndarray, float]:
    """Pooled (b1, b3), their total covariance and the df of b3 (inf for a single data set)."""
    index = [
        fits[0].index(EXPOSURE_TERM),
        fits[0].index(product_term(EXPOSURE_TERM, MODIFIER_TERM, fits[0].terms)),
    ]
    estimates = np.array([fit.estimates[index] for fit in fits])
    covariances = np.array([fit.covariance[np.ix_(index, index)] for fit in fits])
    if len(fits) == 1:
        return estimates[0], covariances[0], np.inf
    df_complete = fits[0].n - len(fits[0].terms)
    pooled = pool_rubin(
        estimates, np.diagonal(covariances, axis1=1, axis2=2), df_complete, ["b1", "b3"]
    )
    return estimates.mean(axis=0), pooled_covariance(covariances, estimates), float(pooled["df"][1])


def johnson_neyman(
    fits: Sequence[LogisticFit],
    bdnf_observed: np.ndarray,
    scale: tuple[float, float],
    ci_level: float,
) -> pd.DataFrame:
    """Johnson–Neyman partition of the BDNF axis into regions where the IL-1β slope is or is not
    significant (closed form). With imputations: pooled coefficients, total covariance T and a t
    critical value at the Barnard–Rubin df of the product coefficient.
    """
    (b1, b3), cov, df = pooled_slope_parameters(fits)
    critical = float(t_quantile(0.5 + ci_level / 2, df))
    params = (b1, b3, cov[0, 0], cov[0, 1], cov[1, 1], critical)
    edges = np.concatenate([[-np.inf], jn_boundaries(*params), [np.inf]])
    observed_z = (np.asarray(bdnf_observed, dtype=float) - scale[0]) / scale[1]
    rows = []
    for low, high in itertools.pairwise(edges):
        inside = representative_point(low, high)
        rows.append(
            {
                "modifier_from": scale[0] + scale[1] * low,
                "modifier_to": scale[0] + scale[1] * high,
                "modifier_scaled_from": low,
                "modifier_scaled_to": high,
                "significant": bool(slope_is_significant(inside, *params)),
                "odds_ratio_direction": "below_1" if b1 + b3 * inside < 0 else "above_1",
                "observed_share": float(np.mean((observed_z >= low) & (observed_z < high))),
                "critical_value": critical,
                "df": df,
            }
        )
    return pd.DataFrame(rows)


def representative_point(low: float, high: float) -> float:
    """A finite point strictly inside the interval (low, high)."""
    if np.isinf(low) and np.isinf(high):
        return 0.0
    if np.isinf(low):
        return high - 1.0
    if np.isinf(high):
        return low + 1.0
    return (low + high) / 2


def prediction_grid(
    fits: Sequence[LogisticFit],
    designs: Iterable[pd.DataFrame],
    il1b_values: np.ndarray,
    bdnf_values: np.ndarray,
    scale: tuple[float, float],
    ci_level: float,
) -> pd.DataFrame:
    """Standardised predicted probability of the outcome at each IL-1β (pg/mL) × BDNF (ng/mL).

    Each patient's covariates as observed, log2 IL-1β and BDNF set to the grid values, averaged
    (g-computation); intervals by the delta method on the logit scale, pooled there by Rubin's
    rules when there are several data sets, and transformed back.
    """
    points = [(il1b, bdnf) for bdnf in bdnf_values for il1b in il1b_values]
    logits = np.empty((len(fits), len(points)))
    variances = np.empty_like(logits)
    settings = [
        {EXPOSURE_TERM: np.log2(il1b), MODIFIER_TERM: (bdnf - scale[0]) / scale[1]}
        for il1b, bdnf in points
    ]
    for i, (fit, design) in enumerate(zip(fits, designs, strict=True)):
        risk, gradient = standardised_risks(fit, design, settings)
        logits[i] = np.log(risk / (1 - risk))
        spread = [g @ fit.covariance @ g for g in gradient]  # p-vectors: the order of a single fit
        variances[i] = spread / (risk * (1 - risk)) ** 2
    df_complete = fits[0].n - len(fits[0].terms)
    table = summarise_estimates(
        logits, variances, [str(j) for j in range(len(points))], df_complete, ci_level
    )
    expit = 1 / (1 + np.exp(-table[["estimate", "ci_low", "ci_high"]].to_numpy()))
    return pd.DataFrame(
        {
            "il1b": [p[0] for p in points],
            "exposure_scaled": np.log2([p[0] for p in points]),
            "bdnf": [p[1] for p in points],
            "modifier_scaled": [(p[1] - scale[0]) / scale[1] for p in points],
            "probability": expit[:, 0],
            "ci_low": expit[:, 1],
            "ci_high": expit[:, 2],
            "ci_method": table["ci_method"],
        }
    )


def il1b_grid(il1b_observed: np.ndarray) -> np.ndarray:
    """IL-1β values (pg/mL) evenly spaced in log2 between the 5th and 95th sample percentiles."""
    low, high = np.quantile(np.log2(np.asarray(il1b_observed, dtype=float)), GRID_QUANTILES)
    return 2 ** np.linspace(low, high, GRID_POINTS)


def observed(dataset: pd.DataFrame, column: str) -> np.ndarray:
    """The observed values of a dataset column."""
    return pd.to_numeric(dataset[column], errors="coerce").dropna().to_numpy(dtype=float)


def continuous_tables(
    fits: Sequence[LogisticFit],
    data_sets: Sequence[pd.DataFrame],
    dataset: pd.DataFrame,
    percentiles: Sequence[float],
    ci_level: float,
) -> dict[str, pd.DataFrame]:
    """The slopes, johnson_neyman and predictions tables (columns in analysis.run_analysis).

    BDNF percentiles, the BDNF scale and the IL-1β grid describe the observed analysis dataset.
    """
    scale = bdnf_scale(dataset)
    bdnf = observed(dataset, "bdnf")
    at_percentiles = np.percentile(bdnf, percentiles)
    grid = np.linspace(bdnf.min(), bdnf.max(), GRID_POINTS)
    slope_table = pd.concat(
        [
            simple_slopes(fits, at_percentiles, scale, ci_level).assign(percentile=percentiles),
            simple_slopes(fits, grid, scale, ci_level).assign(percentile=np.nan),
        ],
        ignore_index=True,
    )
    designs = (design_matrix(d, fits[0].terms) for d in data_sets)  # one at a time
    il1b_values = il1b_grid(observed(dataset, "il1b"))
    predictions = prediction_grid(fits, designs, il1b_values, at_percentiles, scale, ci_level)
    percentile_of = dict(zip(at_percentiles, percentiles, strict=True))
    predictions.insert(2, "modifier_percentile", predictions["bdnf"].map(percentile_of))
    return {
        "slopes": slope_table[["percentile", *slope_table.columns[:-1]]],
        "johnson_neyman": johnson_neyman(fits, bdnf, scale, ci_level),
        "predictions": predictions,
    }
