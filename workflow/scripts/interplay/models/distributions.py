"""The normal, t, χ² and F distribution functions of the tests and intervals, from scipy.special.

scipy.stats costs about 0.4 s to import in every job; its norm, t, chi2 and f distributions
compute these same special functions (after argument checks that the callers' values pass), so
the values are bit-identical (tests/test_distributions.py compares them value by value).
"""

import numpy as np
from scipy import special

ArrayLike = float | np.ndarray


def normal_cdf(x: ArrayLike) -> ArrayLike:
    """Φ(x), as stats.norm.cdf."""
    return special.ndtr(x)


def normal_sf(x: ArrayLike) -> ArrayLike:
    """1 − Φ(x), as stats.norm.sf."""
    return special.ndtr(-np.asarray(x, dtype=float))


def normal_quantile(q: ArrayLike) -> ArrayLike:
    """Φ⁻¹(q), as stats.norm.ppf."""
    return special.ndtri(q)


def t_sf(x: ArrayLike, df: ArrayLike) -> ArrayLike:
    """Upper tail of Student's t with df degrees of freedom (df = ∞: normal), as stats.t.sf."""
    return special.stdtr(df, -np.asarray(x, dtype=float))


def t_quantile(q: ArrayLike, df: ArrayLike) -> ArrayLike:
    """Quantile of Student's t (df = ∞: normal) for 0 < q < 1, as stats.t.ppf."""
    return special.stdtrit(df, q)


def chi2_sf(x: ArrayLike, df: ArrayLike) -> ArrayLike:
    """Upper tail of χ² with finite df degrees of freedom, as stats.chi2.sf (1 for x ≤ 0)."""
    return special.chdtrc(df, np.maximum(x, 0.0))


def chi2_quantile(q: ArrayLike, df: ArrayLike) -> ArrayLike:
    """Quantile of χ² with finite df degrees of freedom, as stats.chi2.ppf."""
    return 2 * special.gammaincinv(np.asarray(df, dtype=float) / 2, q)


def f_sf(x: ArrayLike, dfn: ArrayLike, dfd: ArrayLike) -> ArrayLike:
    """Upper tail of F with finite (dfn, dfd) degrees of freedom, as stats.f.sf
    (1 for x ≤ 0)."""
    return special.fdtrc(dfn, dfd, np.maximum(x, 0.0))


def f_quantile(q: ArrayLike, dfn: ArrayLike, dfd: ArrayLike) -> ArrayLike:
    """Quantile of F with finite (dfn, dfd) degrees of freedom, as stats.f.ppf."""
    return special.fdtri(dfn, dfd, q)
