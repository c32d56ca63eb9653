"""Continuous exposure × modifier interaction (docs/analysis_plan.md §5 item 7).

Model: logit P(outcome) = … + b1·exposure_scaled + b2·modifier_scaled
+ b3·exposure_scaled·modifier_scaled + covariates, each variable on its transform's scale (log2,
per SD or as it is), so the exposure slope at modifier_scaled z is b1 + b3·z, exp of which is the
OR per unit of exposure_scaled (e.g. per doubling of IL-1β). Simple slopes at modifier percentiles
(at 0 and 1 for a binary modifier), the Johnson–Neyman regions of the modifier where that slope is
significant (with a pointwise critical value, and with the simultaneous Scheffé and sup-t and the
false-discovery-rate Esarey–Sumner critical values; docs/johnson_neyman.md), and standardised
predicted probabilities across the exposure at several modifier levels. Functions take fits of
the same model to m ≥ 1 data sets (Wald z for m = 1, Rubin's rules else).
"""

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from interplay.errors import InputError
from interplay.models.distributions import chi2_quantile, f_quantile, t_quantile, t_sf
from interplay.models.logistic import (
    DATASET,
    LogisticFit,
    design_matrix,
    product_term,
    standardised_risks,
    summarise_estimates,
)
from interplay.models.pool import pool_rubin, pooled_covariance
from interplay.pair import EXPOSURE, MODIFIER, Pair, Variable, scaled_column
from interplay.seeds import stream_key

EXPOSURE_TERM = scaled_column(EXPOSURE)
MODIFIER_TERM = scaled_column(MODIFIER)
GRID_POINTS = 41
GRID_QUANTILES = (0.05, 0.95)  # exposure range of the prediction grid
SCALE_TOLERANCE = 1e-6
BINARY_VALUES = np.array([0.0, 1.0])
JOHNSON_NEYMAN_COLUMNS = [
    "method", "modifier_from", "modifier_to", "modifier_scaled_from", "modifier_scaled_to",
    "significant", "odds_ratio_direction", "observed_share", "critical_value",
    "critical_value_mc_se", "df",
]  # fmt: skip
POINTWISE = "pointwise"
# Critical values with multiplicity control (models.johnson_neyman.bands), in table order.
BANDS = ("scheffe", "sup_t", "esarey_sumner")
# Bands whose claim covers only the observed modifier range: their rows partition that range.
OBSERVED_RANGE_BANDS = ("sup_t", "esarey_sumner")
SUP_T_CHUNK = 10_000  # sup-t draws reduced to their maxima at a time (bounds the memory)


@dataclass(frozen=True)
class BandSettings:
    """Johnson–Neyman critical values beyond the pointwise one (models.johnson_neyman): the
    bands, the sup-t draws, the modifier values (evenly spaced over the observed range) that sup-t
    and Esarey–Sumner evaluate, and the SeedSequence entropy of the sup-t draws."""

    bands: tuple[str, ...] = BANDS
    draws: int = 200_000
    points: int = 201
    seed: tuple[int, ...] = (0,)


POINTWISE_ONLY = BandSettings(bands=())


def band_settings(models: dict, seed: int, analysis: str) -> BandSettings:
    """The models.johnson_neyman settings of an analysis, its sup-t draws seeded by its name."""
    chosen = models["johnson_neyman"]
    return BandSettings(
        bands=tuple(b for b in BANDS if b in chosen["bands"]),
        draws=int(chosen["draws"]),
        points=int(chosen["points"]),
        seed=tuple(stream_key(seed, "johnson_neyman", analysis)),
    )


@dataclass(frozen=True)
class Scale:
    """How a variable's model column derives from its values: log2 x, or (x − location) / spread."""

    transform: str  # log2 | per_sd | none
    location: float = 0.0
    spread: float = 1.0

    def scaled(self, values: np.ndarray | float) -> np.ndarray:
        """Values (in the variable's unit) on the model scale."""
        values = np.asarray(values, dtype=float)
        if self.transform == "log2":
            return np.log2(values)
        return (values - self.location) / self.spread

    def value(self, scaled: np.ndarray | float) -> np.ndarray:
        """Model-scale values back in the variable's unit."""
        scaled = np.asarray(scaled, dtype=float)
        if self.transform == "log2":
            return 2**scaled
        return self.location + self.spread * scaled


def variable_scale(data: pd.DataFrame, variable: Variable) -> Scale:
    """The Scale behind <role>_scaled, recovered from the data (per_sd: its mean and SD)."""
    role, column = variable.role, scaled_column(variable.role)
    both = data[[role, column]].apply(pd.to_numeric, errors="coerce").dropna()
    if both[role].nunique() < 2:
        raise InputError(
            f"{variable.label} takes fewer than two distinct values, so its scale cannot be "
            "established",
            file=DATASET,
            column=variable.column,
            fix=f"check the {variable.column} column of the baseline table",
        )
    if variable.transform == "per_sd":
        slope, intercept = np.polyfit(both[role], both[column], 1)
        scale = Scale(variable.transform, float(-intercept / slope), float(1 / slope))
    else:
        scale = Scale(variable.transform)
    residual = both[column] - scale.scaled(both[role])
    if np.abs(residual).max() > SCALE_TOLERANCE * (1 + both[column].abs().max()):
        raise InputError(
            f"{column} is not the {variable.transform} transform of {role} ({variable.label})",
            file=DATASET,
            column=column,
            fix="rebuild the analysis dataset with the workflow's data rules and the same "
            f"pair.{role}.transform",
        )
    return scale


def slope_weights(fit: LogisticFit, z: float) -> dict[str, float]:
    """Weights of the exposure slope b1 + b3·z at modifier_scaled z."""
    return {EXPOSURE_TERM: 1.0, product_term(EXPOSURE_TERM, MODIFIER_TERM, fit.terms): z}


def slope_estimates(fits: Sequence[LogisticFit], z_values: np.ndarray) -> tuple[np.ndarray, ...]:
    """Slopes (m, len z) and their variances at each modifier_scaled z, one row per data set."""
    weights = np.array([fits[0].weights(slope_weights(fits[0], z)) for z in z_values])
    estimates = np.array([weights @ fit.estimates for fit in fits])
    variances = np.array(
        [np.einsum("ij,jk,ik->i", weights, fit.covariance, weights) for fit in fits]
    )
    return estimates, variances


def simple_slopes(
    fits: Sequence[LogisticFit],
    modifier_values: np.ndarray,
    scale: Scale,
    ci_level: float,
) -> pd.DataFrame:
    """Exposure slope (per unit of exposure_scaled) at each modifier value (in its unit): log-OR,
    OR and OR-scale interval.

    Columns: modifier, modifier_scaled, estimate (log-OR), std_error, df, statistic, p_value,
    odds_ratio, ci_low, ci_high (OR scale), ci_method, fmi.
    """
    modifier_values = np.asarray(modifier_values, dtype=float)
    z_values = scale.scaled(modifier_values)
    estimates, variances = slope_estimates(fits, z_values)
    df_complete = fits[0].n - len(fits[0].terms)
    table = summarise_estimates(
        estimates, variances, [str(z) for z in z_values], df_complete, ci_level
    )
    return pd.DataFrame(
        {
            "modifier": modifier_values,
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


def scheffe_critical(level: float, df: float) -> float:
    """Scheffé-type simultaneous critical value over every z: √(2·F₂,df(level)), √(χ²₂(level)) for
    df = ∞ (Potthoff 1964; Bauer & Curran 2005)."""
    if np.isinf(df):
        return float(np.sqrt(chi2_quantile(level, 2)))
    return float(np.sqrt(2 * f_quantile(level, 2, df)))


def slope_lines(z_values: np.ndarray, covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights w(z) = (1, z) of b1 + b3·z at each z, and the standard errors √(wᵀVw)."""
    weights = np.column_stack([np.ones_like(z_values), z_values])
    return weights, np.sqrt(np.einsum("ij,jk,ik->i", weights, covariance, weights))


def sup_t_maxima(
    covariance: np.ndarray,
    df: float,
    z_values: np.ndarray,
    draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Draws of maxᵢ |w(zᵢ)ᵀε| / se(zᵢ) over z_values, ε ~ N(0, V) or, for finite df,
    multivariate t (Montiel Olea & Plagborg-Møller 2019)."""
    weights, std_errors = slope_lines(z_values, covariance)
    epsilon = rng.standard_normal((draws, 2)) @ np.linalg.cholesky(covariance).T
    if np.isfinite(df):
        epsilon /= np.sqrt(rng.chisquare(df, draws) / df)[:, None]
    chunks = (epsilon[i : i + SUP_T_CHUNK] for i in range(0, draws, SUP_T_CHUNK))
    return np.concatenate([np.max(np.abs(c @ weights.T) / std_errors, axis=1) for c in chunks])


def quantile_mc_se(values: np.ndarray, level: float) -> float:
    """Monte Carlo standard error of the level-quantile of n draws: half the gap between the
    order statistics at n·p ∓ √(n·p(1 − p)), the binomial ±1 SD interval of the quantile
    (David & Nagaraja 2003, §7.1; ≈ √(p(1 − p)/n) / f(q))."""
    ordered, n = np.sort(values), len(values)
    spread = np.sqrt(n * level * (1 - level))
    low = ordered[max(int(np.floor(n * level - spread)), 0)]
    high = ordered[min(int(np.ceil(n * level + spread)), n - 1)]
    return float((high - low) / 2)


def sup_t_critical(
    covariance: np.ndarray,
    df: float,
    z_values: np.ndarray,
    level: float,
    draws: int,
    rng: np.random.Generator,
) -> tuple[float, float]:
    """Simulated sup-t critical value over z_values, the level-quantile of sup_t_maxima, and its
    Monte Carlo standard error."""
    maxima = sup_t_maxima(covariance, df, z_values, draws, rng)
    return float(np.quantile(maxima, level)), quantile_mc_se(maxima, level)


def esarey_sumner_critical(
    estimates: np.ndarray, std_errors: np.ndarray, df: float, level: float
) -> float:
    """False-discovery-rate critical t of the slopes tested at several z: Benjamini–Hochberg's
    largest k with p₍ₖ₎ ≤ k·α/n (k = 1 if none), then |t_df⁻¹(k·α/(2n))| (Esarey & Sumner 2018,
    interactionTest::fdrInteraction with type BH)."""
    alpha, n = 1 - level, len(estimates)
    p_values = 2 * t_sf(np.abs(estimates / std_errors), df)
    passes = np.flatnonzero(np.sort(p_values) <= np.arange(1, n + 1) * alpha / n)
    k = passes[-1] + 1 if passes.size else 1
    return float(abs(t_quantile(k * alpha / (2 * n), df)))


def band_critical(
    band: str,
    coefficients: np.ndarray,
    covariance: np.ndarray,
    df: float,
    z_range: tuple[float, float],
    level: float,
    settings: BandSettings,
) -> tuple[float, float]:
    """The critical value of one band (BANDS) at this fit's pooled (b1, b3), covariance and df,
    and its Monte Carlo standard error (NaN for the closed forms)."""
    if band == "scheffe":
        return scheffe_critical(level, df), np.nan
    z_values = np.linspace(*z_range, settings.points)
    if band == "sup_t":
        rng = np.random.default_rng(np.random.SeedSequence(list(settings.seed)))
        simulated, mc_se = sup_t_critical(covariance, df, z_values, level, settings.draws, rng)
        # Scheffé's is the exact sup over every z: Monte Carlo error must not take sup-t above it.
        return min(simulated, scheffe_critical(level, df)), mc_se
    weights, std_errors = slope_lines(z_values, covariance)
    return esarey_sumner_critical(weights @ coefficients, std_errors, df, level), np.nan


def share_in(observed_z: np.ndarray, low: float, high: float) -> float:
    """Share of the observed z in [low, high), the region ending at the observed maximum closed."""
    below = (observed_z < high) | (observed_z == high) & (high == observed_z.max())
    return float(np.mean((observed_z >= low) & below))


def partition(
    method: str,
    params: tuple[float, ...],
    edges: np.ndarray,
    df: float,
    observed_z: np.ndarray,
    scale: Scale,
    mc_se: float = np.nan,
) -> list[dict]:
    """The rows of one method's regions between consecutive edges (modifier_scaled); mc_se: the
    Monte Carlo standard error of a simulated critical value."""
    b1, b3, *_, critical = params
    rows = []
    for low, high in itertools.pairwise(edges):
        inside = representative_point(low, high)
        rows.append(
            {
                "method": method,
                "modifier_from": float(scale.value(low)),
                "modifier_to": float(scale.value(high)),
                "modifier_scaled_from": low,
                "modifier_scaled_to": high,
                "significant": bool(slope_is_significant(inside, *params)),
                "odds_ratio_direction": "below_1" if b1 + b3 * inside < 0 else "above_1",
                "observed_share": share_in(observed_z, low, high),
                "critical_value": critical,
                "critical_value_mc_se": mc_se,
                "df": df,
            }
        )
    return rows


def region_edges(boundaries: np.ndarray, z_range: tuple[float, float] | None) -> np.ndarray:
    """Region edges: ±∞ and the boundaries, or the observed range and the boundaries inside it."""
    if z_range is None:
        return np.concatenate([[-np.inf], boundaries, [np.inf]])
    low, high = z_range
    return np.array([low, *boundaries[(boundaries > low) & (boundaries < high)], high])


def johnson_neyman(
    fits: Sequence[LogisticFit],
    modifier_observed: np.ndarray,
    scale: Scale,
    ci_level: float,
    settings: BandSettings = POINTWISE_ONLY,
) -> pd.DataFrame:
    """Johnson–Neyman partition of the modifier axis into regions where the exposure slope is or
    is not significant (closed form), a row set per method: pointwise, then each chosen band.
    With imputations: pooled coefficients, total covariance T and t critical values at the
    Barnard–Rubin df of the product coefficient. Pointwise and Scheffé rows partition the whole
    axis; sup-t and Esarey–Sumner rows only the observed modifier range they are computed over.
    """
    (b1, b3), cov, df = pooled_slope_parameters(fits)
    observed_z = scale.scaled(modifier_observed)
    z_range = (float(observed_z.min()), float(observed_z.max()))
    criticals = {POINTWISE: (float(t_quantile(0.5 + ci_level / 2, df)), np.nan)}
    for band in settings.bands:
        criticals[band] = band_critical(
            band, np.array([b1, b3]), cov, df, z_range, ci_level, settings
        )
    rows = []
    for method, (critical, mc_se) in criticals.items():
        params = (b1, b3, cov[0, 0], cov[0, 1], cov[1, 1], critical)
        covered = z_range if method in OBSERVED_RANGE_BANDS else None
        edges = region_edges(jn_boundaries(*params), covered)
        rows += partition(method, params, edges, df, observed_z, scale, mc_se)
    return pd.DataFrame(rows, columns=JOHNSON_NEYMAN_COLUMNS)


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
    exposure_values: np.ndarray,
    modifier_values: np.ndarray,
    scales: tuple[Scale, Scale],
    ci_level: float,
) -> pd.DataFrame:
    """Standardised predicted probability of the outcome at each exposure × modifier value (in
    their units; scales: the exposure's and the modifier's).

    Each patient's covariates as observed, exposure_scaled and modifier_scaled set to the grid
    values, averaged (g-computation); intervals by the delta method on the logit scale, pooled
    there by Rubin's rules when there are several data sets, and transformed back.
    """
    exposure_scale, modifier_scale = scales
    points = [(e, m) for m in modifier_values for e in exposure_values]
    settings = [
        {EXPOSURE_TERM: exposure_scale.scaled(e), MODIFIER_TERM: modifier_scale.scaled(m)}
        for e, m in points
    ]
    probabilities = pooled_probabilities(fits, designs, settings, ci_level)
    exposure = [p[0] for p in points]
    modifier = [p[1] for p in points]
    return pd.DataFrame(
        {
            "exposure": exposure,
            "exposure_scaled": exposure_scale.scaled(exposure),
            "modifier": modifier,
            "modifier_scaled": [float(modifier_scale.scaled(m)) for m in modifier],
            **probabilities,
        }
    )


def pooled_probabilities(
    fits: Sequence[LogisticFit],
    designs: Iterable[pd.DataFrame],
    settings: Sequence[Mapping[str, float]],
    ci_level: float,
) -> pd.DataFrame:
    """Standardised probability of the outcome (g-computation) at each setting {term: value}:
    probability, ci_low, ci_high and ci_method, the delta method on the logit scale pooled there
    by Rubin's rules over the fits (one per data set, with its design) and transformed back."""
    logits = np.empty((len(fits), len(settings)))
    variances = np.empty_like(logits)
    for i, (fit, design) in enumerate(zip(fits, designs, strict=True)):
        risk, gradient = standardised_risks(fit, design, settings)
        logits[i] = np.log(risk / (1 - risk))
        spread = [g @ fit.covariance @ g for g in gradient]  # p-vectors: the order of a single fit
        variances[i] = spread / (risk * (1 - risk)) ** 2
    df_complete = fits[0].n - len(fits[0].terms)
    table = summarise_estimates(
        logits, variances, [str(j) for j in range(len(settings))], df_complete, ci_level
    )
    expit = 1 / (1 + np.exp(-table[["estimate", "ci_low", "ci_high"]].to_numpy()))
    return pd.DataFrame(
        {
            "probability": expit[:, 0],
            "ci_low": expit[:, 1],
            "ci_high": expit[:, 2],
            "ci_method": table["ci_method"],
        }
    )


def exposure_grid(observed_values: np.ndarray, variable: Variable, scale: Scale) -> np.ndarray:
    """Exposure values (its unit) evenly spaced on its model scale between the 5th and 95th
    sample percentiles; 0 and 1 for a binary exposure."""
    if variable.is_binary:
        return BINARY_VALUES
    low, high = np.quantile(scale.scaled(observed_values), GRID_QUANTILES)
    return scale.value(np.linspace(low, high, GRID_POINTS))


def slope_parts(
    observed_values: np.ndarray, variable: Variable, percentiles: Sequence[float]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The modifier values of the slopes table, each part with its percentiles (NaN: not one):
    the percentiles, then an even grid over the observed range for plots; 0 and 1 if binary."""
    if variable.is_binary:
        other = np.setdiff1d(observed_values, BINARY_VALUES)
        if other.size:
            raise InputError(
                f"{variable.label} is configured as binary (kind or split: binary) but takes "
                "the value(s) "
                f"{', '.join(f'{v:g}' for v in other[:5])}",
                file=DATASET,
                column=variable.column,
                fix=f"code {variable.column} as 0/1, or give pair.{variable.role} a kind and a "
                "split other than binary",
            )
        return [(BINARY_VALUES, np.full(len(BINARY_VALUES), np.nan))]
    grid = np.linspace(observed_values.min(), observed_values.max(), GRID_POINTS)
    return [
        (np.percentile(observed_values, percentiles), np.asarray(percentiles, dtype=float)),
        (grid, np.full(GRID_POINTS, np.nan)),
    ]


def observed(dataset: pd.DataFrame, column: str) -> np.ndarray:
    """The observed values of a dataset column."""
    return pd.to_numeric(dataset[column], errors="coerce").dropna().to_numpy(dtype=float)


def continuous_tables(
    fits: Sequence[LogisticFit],
    data_sets: Sequence[pd.DataFrame],
    dataset: pd.DataFrame,
    pair: Pair,
    percentiles: Sequence[float],
    ci_level: float,
    bands: BandSettings = POINTWISE_ONLY,
) -> dict[str, pd.DataFrame]:
    """The slopes, johnson_neyman and predictions tables (columns in analysis.run_analysis).

    Modifier percentiles, both scales and the exposure grid describe the observed analysis
    dataset. A binary modifier has slopes and predictions at 0 and 1 and no Johnson–Neyman
    regions (an empty table).
    """
    exposure_scale = variable_scale(dataset, pair.exposure)
    modifier_scale = variable_scale(dataset, pair.modifier)
    modifier = observed(dataset, MODIFIER)
    parts = slope_parts(modifier, pair.modifier, percentiles)
    slope_table = pd.concat(
        [
            simple_slopes(fits, values, modifier_scale, ci_level).assign(percentile=at)
            for values, at in parts
        ],
        ignore_index=True,
    )
    designs = (design_matrix(d, fits[0].terms) for d in data_sets)  # one at a time
    exposure_values = exposure_grid(observed(dataset, EXPOSURE), pair.exposure, exposure_scale)
    levels, level_percentiles = parts[0]
    predictions = prediction_grid(
        fits, designs, exposure_values, levels, (exposure_scale, modifier_scale), ci_level
    )
    # By position: two percentiles of an integer scale may share a value.
    at = np.repeat(level_percentiles, len(exposure_values))
    predictions.insert(2, "modifier_percentile", at)
    if pair.modifier.is_binary:
        regions = pd.DataFrame(columns=JOHNSON_NEYMAN_COLUMNS)
    else:
        regions = johnson_neyman(fits, modifier, modifier_scale, ci_level, bands)
    return {
        "slopes": slope_table[["percentile", *slope_table.columns[:-1]]],
        "johnson_neyman": regions,
        "predictions": predictions,
    }
