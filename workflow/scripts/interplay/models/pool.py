"""Rubin's rules for multiply imputed analyses: pooled estimates, Wald D1 and likelihood-ratio D3.

Formulas follow R's mice 3.x / mitml so that our numbers can be checked against them:
Rubin (1987); Barnard & Rubin (1999) degrees of freedom; Li, Raghunathan & Rubin (1991) D1 with
Reiter (2007) small-sample df2; Meng & Rubin (1992) D3. See van Buuren, Flexible Imputation of
Missing Data (2nd ed.), §2.3 and §5.3.
"""

from collections.abc import Sequence

import numpy as np
import pandas as pd

from interplay.models.distributions import chi2_sf, f_sf, t_sf
from interplay.models.newton import newton_logistic

# mice's barnard.rubin() floors λ so that a parameter without between-imputation variance still
# gets a finite df.
MIN_LAMBDA = 1e-4


def between_imputation_covariance(estimates: np.ndarray) -> np.ndarray:
    """B: the (k, k) sample covariance of the m estimate vectors (zero when m = 1)."""
    estimates = np.atleast_2d(np.asarray(estimates, dtype=float))
    if estimates.shape[0] < 2:
        return np.zeros((estimates.shape[1], estimates.shape[1]))
    return np.atleast_2d(np.cov(estimates, rowvar=False, ddof=1))


def barnard_rubin_df(m: int, b: np.ndarray, t: np.ndarray, df_complete: float) -> np.ndarray:
    """Barnard & Rubin (1999) degrees of freedom, as mice's barnard.rubin() computes them."""
    lam = np.maximum((1 + 1 / m) * b / t, MIN_LAMBDA)
    df_old = (m - 1) / lam**2
    if np.isinf(df_complete):
        return df_old
    df_observed = (df_complete + 1) / (df_complete + 3) * df_complete * (1 - lam)
    return df_old * df_observed / (df_old + df_observed)


def pool_rubin(
    estimates: np.ndarray, variances: np.ndarray, df_complete: float, terms: list[str]
) -> pd.DataFrame:
    """Pool m estimates and variances of k terms by Rubin's rules, one row per term.

    With m = 1 the single data set is treated as complete data: B = 0, riv = lambda = fmi = 0 and
    df = df_complete (inf gives a normal reference).
    """
    estimates = np.atleast_2d(np.asarray(estimates, dtype=float))
    variances = np.atleast_2d(np.asarray(variances, dtype=float))
    m = estimates.shape[0]
    qbar = estimates.mean(axis=0)
    ubar = variances.mean(axis=0)
    b = np.diag(between_imputation_covariance(estimates))
    t = ubar + (1 + 1 / m) * b
    if m == 1:
        df = np.full_like(qbar, df_complete)
        riv = lam = fmi = np.zeros_like(qbar)
    else:
        df = barnard_rubin_df(m, b, t, df_complete)
        riv = (1 + 1 / m) * b / ubar
        lam = (1 + 1 / m) * b / t
        fmi = (riv + 2 / (df + 3)) / (riv + 1)  # as mice::pool (FIMD §2.3.5)
    std_error = np.sqrt(t)
    statistic = qbar / std_error
    return pd.DataFrame(
        {
            "term": list(terms),
            "estimate": qbar,
            "std_error": std_error,
            "df": df,
            "statistic": statistic,
            "p_value": 2 * t_sf(np.abs(statistic), df),
            "riv": riv,
            "lambda": lam,
            "fmi": fmi,
            "ubar": ubar,
            "b": b,
            "t": t,
        }
    )


def pooled_covariance(covariances: np.ndarray, estimates: np.ndarray) -> np.ndarray:
    """Total covariance T = Ubar + (1 + 1/m) B of the pooled estimate vector."""
    covariances = np.asarray(covariances, dtype=float)
    m = covariances.shape[0]
    return covariances.mean(axis=0) + (1 + 1 / m) * between_imputation_covariance(estimates)


def reiter_df2(r: float, k: int, m: int, df_complete: float) -> float:
    """Small-sample df2 of D1 (Reiter 2007, eq. 1–2), as mitml's .D1 has computed since 0.4-0."""
    t = np.float64(k * (m - 1))
    a = r * t / (t - 2)
    v_star = (df_complete + 1) / (df_complete + 3) * df_complete
    c0 = 1 / (t - 4)
    c1 = v_star - 2 * (1 + a)
    c2 = v_star - 4 * (1 + a)
    z = (
        1 / c2
        + c0 * (a**2 * c1 / ((1 + a) ** 2 * c2))
        + c0 * (8 * a**2 * c1 / ((1 + a) * c2**2) + 4 * a**2 / ((1 + a) * c2))
        + c0 * (4 * a**2 / (c2 * c1) + 16 * a**2 * c1 / c2**3)
        + c0 * (8 * a**2 / c2**2)
    )
    return 4 + 1 / z


def large_sample_df2(r: float, k: int, m: int) -> float:
    """Denominator df of D1 and D3 for an infinite complete-data df (Li et al. 1991, eq. 2.16)."""
    t = k * (m - 1)
    if t > 4:
        return 4 + (t - 4) * (1 + (1 - 2 / t) / r) ** 2
    return t * (1 + 1 / k) * (1 + 1 / r) ** 2 / 2


def denominator_df(r: float, k: int, m: int, df_complete: float) -> float:
    """df2 of D1/D3: Reiter (2007) for finite df_complete, else Li et al. (1991).

    Division by zero (r = 0, or k(m - 1) = 4 where mitml warns) gives inf or nan as in R.
    """
    r = np.float64(r)
    with np.errstate(divide="ignore", invalid="ignore"):
        if np.isinf(df_complete):
            return large_sample_df2(r, k, m)
        return reiter_df2(r, k, m, df_complete)


def f_test(statistic: float, df1: int, df2: float, riv: float) -> dict:
    """The pooled F test result as a dict (statistic, df1, df2, p_value, riv)."""
    # F(k, inf) is chi-square(k) / k, the limit R's pf() takes and scipy's f does not.
    p_value = chi2_sf(statistic * df1, df1) if np.isinf(df2) else f_sf(statistic, df1, df2)
    return {
        "statistic": float(statistic),
        "df1": int(df1),
        "df2": float(df2),
        "p_value": float(p_value),
        "riv": float(riv),
    }


def require_two_imputations(m: int, test: str) -> None:
    """Refuse a multi-parameter pooled test that needs between-imputation variance."""
    if m < 2:
        raise ValueError(f"{test} needs at least 2 imputed data sets, got {m}")


def pool_d1_wald(
    estimates: np.ndarray, covariances: np.ndarray, tested: list[int], df_complete: float
) -> dict:
    """Multivariate Wald test D1 that the `tested` coefficients are all zero (mice::D1 / mitml)."""
    estimates = np.asarray(estimates, dtype=float)[:, tested]
    covariances = np.asarray(covariances, dtype=float)[:, tested][:, :, tested]
    m, k = estimates.shape
    require_two_imputations(m, "D1")
    qbar = estimates.mean(axis=0)
    ubar = covariances.mean(axis=0)
    b = between_imputation_covariance(estimates)
    ubar_inv = np.linalg.inv(ubar)
    r = (1 + 1 / m) * np.trace(b @ ubar_inv) / k
    statistic = qbar @ ubar_inv @ qbar / (k * (1 + r))
    return f_test(statistic, k, denominator_df(r, k, m, df_complete), r)


def logistic_loglik(eta: np.ndarray, outcome: np.ndarray) -> float:
    """Bernoulli log-likelihood of 0/1 outcomes under linear predictor eta (logit scale)."""
    return float(np.sum(outcome * eta - np.logaddexp(0.0, eta)))


def loglik_at(
    design: np.ndarray, outcome: np.ndarray, beta: np.ndarray, *, refit_intercept: bool
) -> float:
    """Log-likelihood at fixed coefficients beta; refit_intercept first re-estimates a shift.

    The shift reproduces mice::fix.coef(), which refits `y ~ 1 + offset(X beta)`; Meng & Rubin
    (1992) evaluate the likelihood at beta itself (refit_intercept=False).
    """
    eta = design @ beta
    if refit_intercept:
        shift = newton_logistic(np.ones((len(eta), 1)), outcome, offset=eta).estimates
        eta = eta + shift[0]
    return logistic_loglik(eta, outcome)


def model_deviances(
    designs: Sequence[np.ndarray], outcomes: Sequence[np.ndarray], *, refit_intercept: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Deviance (-2 log L) of each data set at its own MLE and at the mean MLE over data sets."""
    betas, at_own = [], []
    for x, y in zip(designs, outcomes, strict=True):  # two passes: designs may be built lazily
        betas.append(newton_logistic(x, y).estimates)
        at_own.append(-2 * logistic_loglik(x @ betas[-1], y))
    pooled = np.mean(betas, axis=0)
    at_pooled = [
        -2 * loglik_at(x, y, pooled, refit_intercept=refit_intercept)
        for x, y in zip(designs, outcomes, strict=True)
    ]
    return np.array(at_own), np.array(at_pooled)


def pool_d3_logistic(
    designs_full: Sequence[np.ndarray],
    designs_reduced: Sequence[np.ndarray],
    outcomes: Sequence[np.ndarray],
    *,
    refit_intercept: bool = False,
) -> dict:
    """Meng & Rubin (1992) pooled likelihood-ratio test D3 of nested logistic models.

    Each design matrix includes its intercept column. refit_intercept=True reproduces mice::D3
    exactly (see loglik_at); the default evaluates the likelihood at the pooled coefficients.
    """
    m = len(outcomes)
    require_two_imputations(m, "D3")
    k = designs_full[0].shape[1] - designs_reduced[0].shape[1]
    full_own, full_pooled = model_deviances(designs_full, outcomes, refit_intercept=refit_intercept)
    reduced_own, reduced_pooled = model_deviances(
        designs_reduced, outcomes, refit_intercept=refit_intercept
    )
    mean_lr_own = np.mean(reduced_own - full_own)
    mean_lr_pooled = np.mean(reduced_pooled - full_pooled)
    r = (m + 1) / (k * (m - 1)) * (mean_lr_own - mean_lr_pooled)
    statistic = mean_lr_pooled / (k * (1 + r))
    return f_test(statistic, k, denominator_df(r, k, m, np.inf), r)


def pool_d2_chi_squares(statistics: np.ndarray, df1: int) -> dict:
    """D2: pool per-imputation χ² statistics with df1 degrees of freedom (Li et al. 1991).

    Formulas as in van Buuren, Flexible Imputation of Missing Data (2018) §5.3.4 and R's
    mice::D2: r = (1 + 1/m) var(√d), D2 = (mean(d)/k − (m + 1)/(m − 1) r) / (1 + r),
    df2 = k^(−3/m) (m − 1) (1 + 1/r)².
    """
    d = np.asarray(statistics, dtype=float)
    m = d.size
    require_two_imputations(m, "D2")
    riv = (1 + 1 / m) * np.var(np.sqrt(d), ddof=1)
    statistic = (d.mean() / df1 - (m + 1) / (m - 1) * riv) / (1 + riv)
    df2 = np.inf if riv == 0 else df1 ** (-3 / m) * (m - 1) * (1 + 1 / riv) ** 2
    return f_test(max(statistic, 0.0), df1, df2, riv)
