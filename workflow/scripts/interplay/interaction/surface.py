"""The interaction surface (docs/surface.md): the outcome over the exposure × modifier plane.

Smooth model: logit P(outcome) = covariates + f(exposure) + g(modifier) + h(exposure, modifier),
f and g natural cubic splines of `df` degrees of freedom on exposure_scaled and modifier_scaled
(boundary knots at the observed minimum and maximum, df − 1 interior knots at equally spaced
quantiles, as R's splines::ns(x, df)), h their tensor product (every product of an exposure
column with a modifier column). A natural spline space contains the linear function, so the
smooth model contains the linear-interaction (`continuous`) model, and the likelihood-ratio test
of one against the other is valid: χ² on df² + 2·df − 3 degrees of freedom for one data set,
the Meng & Rubin (1992) D3 F test over imputed data sets. Both models are fitted by maximum
likelihood whatever models.estimator says (D3 needs likelihoods).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from interplay.errors import InputError
from interplay.interaction.product_tests import lr_test
from interplay.interaction.slopes import (
    EXPOSURE_TERM,
    MODIFIER_TERM,
    pooled_probabilities,
    variable_scale,
)
from interplay.models import logistic as models
from interplay.models.pool import pool_d3_logistic
from interplay.pair import Pair

SMOOTH, LINEAR = "smooth", "linear"
LINEAR_TERMS = models.MODEL_EXPOSURES["continuous"]
SURFACE_QUANTILES = (0.025, 0.975)  # range of each axis of the surface grid
# A grid point is supported with this many patients within this many SDs (supported_points).
SUPPORT_PATIENTS = 10
SUPPORT_RADIUS = 0.5
SURFACE_COLUMNS = [
    "model", "exposure", "exposure_scaled", "modifier", "modifier_scaled", "probability",
    "ci_low", "ci_high", "ci_method", "supported", "status",
]  # fmt: skip
TEST_COLUMNS = [
    "test", "statistic", "df1", "df2", "p_value", "method", "n", "deviance_smooth",
    "deviance_linear", "spline_df", "status",
]  # fmt: skip
TEST_NAME = "linear_vs_smooth_interaction"


def spline_knots(values: np.ndarray, df: int, name: str = EXPOSURE_TERM) -> np.ndarray:
    """Boundary knots at the min and max and df − 1 interior knots at equally spaced quantiles.

    Tied values (a substitute below the LOD shared by many patients) can make quantiles coincide,
    and coinciding knots a singular basis: then stop, naming the variable and the largest df
    whose knots are distinct (docs/surface.md).
    """
    values = np.asarray(values, dtype=float)

    def knots(degrees: int) -> np.ndarray:
        return np.unique(np.quantile(values, np.linspace(0, 1, degrees + 1)))

    chosen = knots(df)
    if len(chosen) < df + 1:
        feasible = [d for d in range(1, df) if len(knots(d)) == d + 1]
        raise InputError(
            f"surface.df {df} needs {df + 1} distinct knots (quantiles) of {name}, but its "
            f"quantiles give only {len(chosen)}: many patients share a value (such as the "
            "substitute below the LOD)",
            file="config.yaml",
            column="surface.df",
            fix=f"lower surface.df to at most {max(feasible)}"
            if feasible
            else "remove this analysis from surface.analyses",
        )
    return chosen


def natural_spline_basis(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """Natural cubic spline basis without the constant (Hastie, Tibshirani & Friedman 2009,
    eq. 5.4–5.5): x, then d_k − d_{K−1} for k = 1..K − 2, with
    d_k = ((x − ξ_k)₊³ − (x − ξ_K)₊³) / (ξ_K − ξ_k).
    """
    # Written out because patsy's cr()/te() are not among the runtime requirements. The truncated
    # powers are ill-conditioned on raw values, so x and the knots are first mapped to [0, 1]
    # between the boundary knots (an affine map: the same function space).
    low, high = knots[0], knots[-1]
    u = (np.asarray(x, dtype=float) - low) / (high - low)
    xi = (np.asarray(knots, dtype=float) - low) / (high - low)

    def d(k: int) -> np.ndarray:
        return (np.maximum(u - xi[k], 0) ** 3 - np.maximum(u - xi[-1], 0) ** 3) / (xi[-1] - xi[k])

    last = d(len(xi) - 2)
    return np.column_stack([u, *(d(k) - last for k in range(len(xi) - 2))])


def tensor_basis(
    exposure_scaled: np.ndarray,
    modifier_scaled: np.ndarray,
    knots: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """Both variables' natural spline columns, then every product of one with the other."""
    exposure = natural_spline_basis(exposure_scaled, knots[0])
    modifier = natural_spline_basis(modifier_scaled, knots[1])
    products = (exposure[:, :, None] * modifier[:, None, :]).reshape(len(exposure), -1)
    return np.column_stack([exposure, modifier, products])


@dataclass(frozen=True)
class SurfaceBasis:
    """The smooth model's columns: the tensor basis on fixed knots, centred and orthonormalised
    on the observed pairs (centre, transform), so that Newton's steps are well conditioned; the
    columns span the same space with the intercept, so fits and deviances are unchanged."""

    exposure_knots: np.ndarray
    modifier_knots: np.ndarray
    centre: np.ndarray
    transform: np.ndarray

    @property
    def terms(self) -> list[str]:
        """The column names: surface_1, surface_2, ..."""
        return [f"surface_{j}" for j in range(1, len(self.centre) + 1)]

    def columns(self, exposure_scaled: np.ndarray, modifier_scaled: np.ndarray) -> np.ndarray:
        """The (n, p) smooth-model columns at the given model-scale values."""
        raw = tensor_basis(
            exposure_scaled, modifier_scaled, (self.exposure_knots, self.modifier_knots)
        )
        return (raw - self.centre) @ self.transform


def surface_basis(
    dataset: pd.DataFrame, df: int, names: tuple[str, str] = (EXPOSURE_TERM, MODIFIER_TERM)
) -> SurfaceBasis:
    """Knots and orthonormalising transform from the observed pairs of the analysis dataset
    (patients with both exposure_scaled and modifier_scaled); names: the variables' words."""
    pairs = observed_pairs(dataset)
    knots = (spline_knots(pairs[:, 0], df, names[0]), spline_knots(pairs[:, 1], df, names[1]))
    raw = tensor_basis(pairs[:, 0], pairs[:, 1], knots)
    centre = raw.mean(axis=0)
    _, r = np.linalg.qr(raw - centre)
    return SurfaceBasis(*knots, centre, np.linalg.inv(r) * np.sqrt(len(raw)))


def observed_values(dataset: pd.DataFrame, column: str) -> np.ndarray:
    """The observed values of a dataset column, as floats."""
    return pd.to_numeric(dataset[column], errors="coerce").dropna().to_numpy(dtype=float)


def smooth_design(
    data: pd.DataFrame, basis: SurfaceBasis, covariates: Sequence[str]
) -> pd.DataFrame:
    """The smooth model's design: intercept, spline and tensor-product columns, covariates."""
    adjustment = models.design_matrix(data, models.model_terms([], covariates))
    splines = pd.DataFrame(
        basis.columns(
            models.numeric_column(data, EXPOSURE_TERM).to_numpy(),
            models.numeric_column(data, MODIFIER_TERM).to_numpy(),
        ),
        index=data.index,
        columns=basis.terms,
    )
    return pd.concat(
        [adjustment[[models.INTERCEPT]], splines, adjustment.drop(columns=models.INTERCEPT)], axis=1
    )


def linear_design(data: pd.DataFrame, covariates: Sequence[str]) -> pd.DataFrame:
    """The linear-interaction (continuous) model's design."""
    return models.design_matrix(data, models.model_terms(LINEAR_TERMS, covariates))


@dataclass(frozen=True)
class SurfaceFits:
    """Both models fitted to each data set, with the designs they were fitted to."""

    designs: dict[str, list[pd.DataFrame]]
    fits: dict[str, list[models.LogisticFit]]
    outcomes: list[np.ndarray]

    @property
    def status(self) -> str:
        """The worst status of every fit."""
        return models.worst_status(f.status for fits in self.fits.values() for f in fits)


def fit_surface_models(
    data_sets: Sequence[pd.DataFrame], basis: SurfaceBasis, covariates: Sequence[str]
) -> SurfaceFits:
    """The smooth and the linear-interaction model fitted by maximum likelihood to each data set."""
    designs: dict[str, list[pd.DataFrame]] = {SMOOTH: [], LINEAR: []}
    fits: dict[str, list[models.LogisticFit]] = {SMOOTH: [], LINEAR: []}
    outcomes = []
    for data in data_sets:
        outcome = models.outcome_values(data)
        outcomes.append(outcome)
        for model, design in [
            (SMOOTH, smooth_design(data, basis, covariates)),
            (LINEAR, linear_design(data, covariates)),
        ]:
            designs[model].append(design)
            fits[model].append(
                models.fit_logistic(design, outcome, context=f"{model} surface model")
            )
    return SurfaceFits(designs, fits, outcomes)


def surface_test(surface: SurfaceFits, spline_df: int) -> pd.DataFrame:
    """Likelihood-ratio test of the linear against the smooth interaction (TEST_COLUMNS).

    One data set: χ² = deviance difference on the difference in parameters; several: D3.
    deviance_smooth and deviance_linear are −2 log-likelihood, averaged over the data sets.
    """
    smooth, linear = surface.fits[SMOOTH], surface.fits[LINEAR]
    df1 = len(smooth[0].terms) - len(linear[0].terms)
    if len(smooth) == 1:
        result = lr_test(smooth[0].loglik, linear[0].loglik, df1) | {"df2": np.nan}
        method = "lr_chi2"
    elif surface.status == models.OK:
        result = pool_d3_logistic(
            [d.to_numpy(float) for d in surface.designs[SMOOTH]],
            [d.to_numpy(float) for d in surface.designs[LINEAR]],
            surface.outcomes,
        )
        method = "d3_f"
    else:  # D3 evaluates likelihoods at each data set's MLE, which a failed fit lacks
        result = {"statistic": np.nan, "df1": df1, "df2": np.nan, "p_value": np.nan}
        method = "d3_f"
    row = {
        "test": TEST_NAME,
        "statistic": result["statistic"],
        "df1": result["df1"],
        "df2": result["df2"],
        "p_value": result["p_value"],
        "method": method,
        "n": round(float(np.mean([f.n for f in smooth]))),
        "deviance_smooth": float(np.mean([-2 * f.loglik for f in smooth])),
        "deviance_linear": float(np.mean([-2 * f.loglik for f in linear])),
        "spline_df": spline_df,
        "status": surface.status,
    }
    return pd.DataFrame([row], columns=TEST_COLUMNS)


def grid_axis(observed: np.ndarray, points: int) -> np.ndarray:
    """Evenly spaced model-scale values between the 2.5th and 97.5th sample percentiles."""
    low, high = np.quantile(observed, SURFACE_QUANTILES)
    return np.linspace(low, high, points)


def supported_points(points: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Whether each point (rows of x, z) has at least SUPPORT_PATIENTS observed points within
    SUPPORT_RADIUS, distances measured on axes divided by each observed variable's SD.

    A convex hull would count the sparse corners of the data as supported; a local count marks
    where the surface rests on patients rather than on the splines' extrapolation.
    """
    spread = observed.std(axis=0, ddof=1)
    tree = cKDTree(observed / spread)
    nearby = tree.query_ball_point(points / spread, SUPPORT_RADIUS, return_length=True)
    return np.asarray(nearby) >= SUPPORT_PATIENTS


def observed_pairs(dataset: pd.DataFrame) -> np.ndarray:
    """The (exposure_scaled, modifier_scaled) pairs of patients with both observed."""
    both = dataset[[EXPOSURE_TERM, MODIFIER_TERM]].apply(pd.to_numeric, errors="coerce").dropna()
    return both.to_numpy(dtype=float)


def grid_settings(
    model: str, basis: SurfaceBasis, exposure_scaled: np.ndarray, modifier_scaled: np.ndarray
) -> list[dict[str, float]]:
    """Each grid point's fixed term values for standardised_risks: the smooth model's columns,
    or exposure_scaled and modifier_scaled for the linear model (its product follows)."""
    if model == LINEAR:
        values = np.column_stack([exposure_scaled, modifier_scaled])
        terms = [EXPOSURE_TERM, MODIFIER_TERM]
    else:
        values, terms = basis.columns(exposure_scaled, modifier_scaled), basis.terms
    return [dict(zip(terms, map(float, row), strict=True)) for row in values]


def require_continuous(pair: Pair) -> None:
    """Stop when either variable of the pair is binary: it has no surface to smooth."""
    binary = [v for v in pair if v.is_binary]
    if binary:
        raise InputError(
            f"{binary[0].label} is binary, so the interaction surface cannot be drawn",
            file="config.yaml",
            column="surface.analyses",
            fix="remove this analysis from surface.analyses",
        )


def surface_tables(
    data_sets: Sequence[pd.DataFrame],
    dataset: pd.DataFrame,
    pair: Pair,
    covariates: Sequence[str],
    spline_df: int,
    grid_points: int,
    ci_level: float,
) -> dict[str, pd.DataFrame]:
    """The surface table (SURFACE_COLUMNS) and the surface_test table (TEST_COLUMNS).

    Knots, grid and support come from the observed analysis dataset; the models are fitted to
    each data set (complete cases, or each imputed set). Predicted probabilities are standardised
    over the covariates (g-computation) and pooled on the logit scale by Rubin's rules; supported
    is TRUE where the observed (exposure, modifier) pairs are dense enough (supported_points).
    """
    require_continuous(pair)
    basis = surface_basis(dataset, spline_df, (pair.exposure.label, pair.modifier.label))
    surface = fit_surface_models(data_sets, basis, covariates)
    exposure_scale = variable_scale(dataset, pair.exposure)
    modifier_scale = variable_scale(dataset, pair.modifier)
    exposure_axis = grid_axis(observed_values(dataset, EXPOSURE_TERM), grid_points)
    modifier_axis = grid_axis(observed_values(dataset, MODIFIER_TERM), grid_points)
    modifier_scaled, exposure_scaled = (
        a.ravel() for a in np.meshgrid(modifier_axis, exposure_axis, indexing="ij")
    )
    supported = supported_points(
        np.column_stack([exposure_scaled, modifier_scaled]), observed_pairs(dataset)
    )
    parts = []
    for model in (SMOOTH, LINEAR):
        settings = grid_settings(model, basis, exposure_scaled, modifier_scaled)
        probabilities = pooled_probabilities(
            surface.fits[model], surface.designs[model], settings, ci_level
        )
        parts.append(
            pd.DataFrame(
                {
                    "model": model,
                    "exposure": exposure_scale.value(exposure_scaled),
                    "exposure_scaled": exposure_scaled,
                    "modifier": modifier_scale.value(modifier_scaled),
                    "modifier_scaled": modifier_scaled,
                    **{
                        c: probabilities[c].to_numpy()
                        for c in ["probability", "ci_low", "ci_high", "ci_method"]
                    },
                    "supported": supported,
                    "status": models.worst_status(f.status for f in surface.fits[model]),
                }
            )
        )
    return {
        "surface": pd.concat(parts, ignore_index=True)[SURFACE_COLUMNS],
        "surface_test": surface_test(surface, spline_df),
    }
