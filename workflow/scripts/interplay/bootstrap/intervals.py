"""Bootstrap confidence intervals from replicate estimates (docs/analysis_plan.md §7).

Percentile and BCa intervals (Efron, JASA 1987; Davison & Hinkley 1997 §5.3) computed as R's boot
package does (boot.ci: norm.inter order-statistic interpolation, bias correction from the share of
replicates below the estimate, acceleration from empirical influence values), and the
bootstrap-then-impute interval of von Hippel & Bartlett (Stat Sci 2021) as R's bootImpute computes
it: one-way ANOVA variance components over B resamples × M imputations and a t interval with
Satterthwaite degrees of freedom. Replicates that are not finite (failed fits, undefined measures)
are left out of an interval and counted. Each interval has the p-value that agrees with it at every
level: percentile and BCa by inverting the interval (the smallest α at which it excludes the null;
floored at the 2/(R + 1) that R replicates resolve, so they agree at levels with
1 − level ≥ 2/(R + 1)), boot_mi_vhb by its t statistic (docs/p_values.md).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from interplay.models.distributions import normal_cdf, normal_quantile, t_quantile, t_sf
from interplay.models.p_values import BISECTION_STEPS

MIN_DF = 3.0  # bootImpute's floor on the Satterthwaite df


def norm_inter(values: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Quantiles at alpha of finite replicates, as boot's norm.inter.

    The (R + 1)α-th order statistic, interpolated on the normal quantile scale between neighbours;
    the extreme order statistics where (R + 1)α falls outside 1..R.
    """
    ordered = np.sort(values[np.isfinite(values)])
    r = len(ordered)
    alpha = np.asarray(alpha, dtype=float)
    if r == 0:
        return np.full(alpha.shape, np.nan)
    rank = (r + 1) * alpha
    k = np.trunc(rank).astype(int)
    out = np.empty(alpha.shape)
    for i, (a, rk, ki) in enumerate(zip(alpha, rank, k, strict=True)):
        if ki == rk and 1 <= ki <= r:
            out[i] = ordered[ki - 1]
        elif ki <= 0:
            out[i] = ordered[0]
        elif ki >= r:
            out[i] = ordered[-1]
        else:
            low, high = normal_quantile([ki / (r + 1), (ki + 1) / (r + 1)])
            fraction = (normal_quantile(a) - low) / (high - low)
            out[i] = ordered[ki - 1] + fraction * (ordered[ki] - ordered[ki - 1])
    return out


def tail_levels(level: float) -> np.ndarray:
    """The lower and upper tail probabilities of a two-sided interval."""
    return np.array([(1 - level) / 2, (1 + level) / 2])


def percentile_interval(values: np.ndarray, level: float) -> np.ndarray:
    """Percentile interval (boot's perc.ci)."""
    return norm_inter(values, tail_levels(level))


def norm_inter_inverse(values: np.ndarray, null: float) -> tuple[float, float]:
    """The tail probabilities where norm_inter meets the null: sup{q: Q(q) ≤ θ0}, inf{q: Q(q) ≥ θ0}.

    Q = norm_inter is continuous and non-decreasing in q, so bisection finds both ends exactly.
    """

    def boundary(at_or_below: Callable[[float], bool]) -> float:
        low, high = 0.0, 1.0
        if at_or_below(high):
            return high
        if not at_or_below(low):
            return low
        for _ in range(BISECTION_STEPS):
            middle = (low + high) / 2
            low, high = (middle, high) if at_or_below(middle) else (low, middle)
        return (low + high) / 2

    def quantile(q: float) -> float:
        return float(norm_inter(values, np.array([q]))[0])

    return boundary(lambda q: quantile(q) <= null), boundary(lambda q: quantile(q) < null)


def replicate_resolution(values: np.ndarray) -> float:
    """The smallest two-sided p-value R finite replicates resolve: 2/(R + 1), the two-sided
    (1 + #)/(R + 1) of Davison & Hinkley (1997, eq. 4.11) when no replicate lies beyond the null."""
    return 2 / (np.isfinite(values).sum() + 1)


def resolved(p_value: float, values: np.ndarray) -> float:
    """An inverted bootstrap p-value floored at the replicates' resolution, capped at 1.

    Inversion gives 0 when the null lies outside every replicate; R replicates cannot tell p below
    2/(R + 1), so that is reported (read: p ≤ 2/(R + 1)).
    """
    return float(min(1.0, max(p_value, replicate_resolution(values))))


def percentile_p_value(values: np.ndarray, null: float | None) -> float:
    """The smallest α at which the (1 − α) percentile interval excludes the null, floored at
    2/(R + 1) (resolved).

    p = 2 min(q_low, 1 − q_high), with q_low / q_high where the interpolated replicate quantiles
    meet the null (norm_inter_inverse).
    """
    if null is None or not np.isfinite(values).any():
        return np.nan
    q_low, q_high = norm_inter_inverse(values, null)
    return resolved(min(2 * q_low, 2 * (1 - q_high)), values)


def bca_normal_level(q: float, z0: float, accel: float) -> float:
    """The z solving z0 + (z0 + z) / (1 − a (z0 + z)) = Φ⁻¹(q): the BCa limit at Φ(z) is Q(q).

    ∓inf when no z on the formula's branch (1 − a (z0 + z) > 0) reaches q.
    """
    u = float(normal_quantile(q)) - z0
    if 1 + accel * u <= 0:
        return -np.inf if accel > 0 else np.inf
    if np.isinf(u):
        return (1 / accel if accel != 0 else u) - z0
    return u / (1 + accel * u) - z0


def bca_p_value(values: np.ndarray, estimate: float, accel: float, null: float | None) -> float:
    """The smallest α at which the (1 − α) BCa interval excludes the null (inverting bca.ci),
    floored at 2/(R + 1) (resolved).

    Lower side: p = 2 Φ(z) with z from bca_normal_level at q_low; upper: 2 (1 − Φ(z)) at q_high.
    """
    z0 = bias_correction(values, estimate)
    if null is None or not np.isfinite(z0) or not np.isfinite(accel):
        return np.nan
    q_low, q_high = norm_inter_inverse(values, null)
    lower = 2 * normal_cdf(bca_normal_level(q_low, z0, accel))
    upper = 2 * (1 - normal_cdf(bca_normal_level(q_high, z0, accel)))
    return resolved(min(lower, upper), values)


def acceleration(influence: np.ndarray) -> float:
    """BCa acceleration a = Σ L³ / (6 (Σ L²)^{3/2}) from empirical influence values L."""
    return float(np.sum(influence**3) / (6 * np.sum(influence**2) ** 1.5))


def bias_correction(values: np.ndarray, estimate: float) -> float:
    """z0 = Φ⁻¹(share of finite replicates below the estimate) (boot's w)."""
    finite = values[np.isfinite(values)]
    return float(normal_quantile(np.mean(finite < estimate))) if len(finite) else np.nan


def bca_interval(values: np.ndarray, estimate: float, accel: float, level: float) -> np.ndarray:
    """BCa interval (boot's bca.ci); NaN when z0 is infinite (estimate outside the replicates)."""
    z0 = bias_correction(values, estimate)
    if not np.isfinite(z0) or not np.isfinite(accel):
        return np.full(2, np.nan)
    z = normal_quantile(tail_levels(level))
    adjusted = normal_cdf(z0 + (z0 + z) / (1 - accel * (z0 + z)))
    return norm_inter(values, adjusted)


@dataclass(frozen=True)
class BootMI:
    """von Hippel–Bartlett summary: point estimate, variance, df and t interval."""

    estimate: float
    variance: float
    df: float
    ci_low: float
    ci_high: float


def boot_mi_p_value(result: BootMI, null: float | None) -> float:
    """Two-sided p of t = (estimate − null) / √variance on the Satterthwaite df (von Hippel &
    Bartlett 2021), on the estimation scale."""
    if null is None or not result.variance > 0:
        return np.nan
    statistic = (result.estimate - null) / np.sqrt(result.variance)
    return float(2 * t_sf(abs(statistic), result.df))


def boot_mi_interval(estimates: np.ndarray, level: float) -> BootMI:
    """Bootstrap-then-impute inference from a (B resamples, M imputations) table of estimates.

    Between-resample variance σ²_b = (MSB − MSW)/M (0 if negative, MSW then pooled over all B·M),
    variance of the point estimate (1 + 1/B) σ²_b + σ²_w / (B M), Satterthwaite df floored at 3.
    """
    b, m = estimates.shape
    resample_means = estimates.mean(axis=1)
    grand_mean = float(estimates.mean())
    ssw = float(((estimates - resample_means[:, None]) ** 2).sum())
    ssb = float(m * ((resample_means - grand_mean) ** 2).sum())
    msw, msb = ssw / (b * (m - 1)), ssb / (b - 1)
    between, within = (msb - msw) / m, msw
    if between < 0:
        between, within = 0.0, (ssw + ssb) / (b * m - 1)
    variance = (1 + 1 / b) * between + within / (b * m)
    df = variance**2 / (((b + 1) / (b * m)) ** 2 * msb**2 / (b - 1) + msw**2 / (b * m**2 * (m - 1)))
    df = max(MIN_DF, df)
    half = t_quantile(0.5 + level / 2, df) * np.sqrt(variance)
    return BootMI(grand_mean, variance, df, grand_mean - half, grand_mean + half)
