"""Bootstrap confidence intervals from replicate estimates (docs/analysis_plan.md §7).

Percentile and BCa intervals (Efron, JASA 1987; Davison & Hinkley 1997 §5.3) computed as R's boot
package does (boot.ci: norm.inter order-statistic interpolation, bias correction from the share of
replicates below the estimate, acceleration from empirical influence values), and the
bootstrap-then-impute interval of von Hippel & Bartlett (Stat Sci 2021) as R's bootImpute computes
it: one-way ANOVA variance components over B resamples × M imputations and a t interval with
Satterthwaite degrees of freedom. Replicates that are not finite (failed fits, undefined measures)
are left out of an interval and counted.
"""

from dataclasses import dataclass

import numpy as np

from interplay.models.distributions import normal_cdf, normal_quantile, t_quantile

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
