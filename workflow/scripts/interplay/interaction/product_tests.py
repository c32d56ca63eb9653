"""Tests that the product term is zero: Wald and likelihood-ratio, pooled over imputations."""

from collections.abc import Sequence

import numpy as np
import pandas as pd

from interplay.models import logistic as models
from interplay.models.distributions import chi2_sf
from interplay.models.firth import penalised_lr_statistic
from interplay.models.logistic import LogisticFit
from interplay.models.pool import pool_d1_wald, pool_d2_chi_squares, pool_d3_logistic
from interplay.models.sequences import LazySequence


def penalised_lr_test(fit: LogisticFit, data: pd.DataFrame, index: list[int]) -> dict:
    """Firth's penalised likelihood-ratio χ² test of one coefficient (as R's logistf)."""
    design = models.design_matrix(data, fit.terms).to_numpy(float)
    statistic = penalised_lr_statistic(design, models.outcome_values(data), index[0])
    return {"statistic": statistic, "df1": 1, "p_value": float(chi2_sf(statistic, 1))}


def lr_test(loglik_full: float, loglik_reduced: float, df: int) -> dict:
    """Likelihood-ratio χ² test of nested models fitted to the same rows."""
    statistic = 2 * (loglik_full - loglik_reduced)
    return {"statistic": statistic, "df1": df, "p_value": float(chi2_sf(statistic, df))}


def wald_test(estimates: np.ndarray, covariance: np.ndarray) -> dict:
    """Wald χ² test that the coefficients are all zero."""
    estimates = np.atleast_1d(estimates)
    statistic = float(estimates @ np.linalg.solve(np.atleast_2d(covariance), estimates))
    df = len(estimates)
    return {"statistic": statistic, "df1": df, "p_value": float(chi2_sf(statistic, df))}


def product_tests(
    full: Sequence[LogisticFit], reduced: Sequence[LogisticFit], data_sets: Sequence[pd.DataFrame]
) -> pd.DataFrame:
    """Wald and likelihood-ratio tests of full vs reduced (one term fewer) model.

    One data set: χ² tests. Several: D1 (Li et al. 1991) and D3 (Meng & Rubin 1992) F tests.
    The statistic is reported as the estimate, its reference distribution as ci_method and that
    distribution's degrees of freedom as df1 and df2 (NaN for a χ² test).
    """
    tested = [t for t in full[0].terms if t not in reduced[0].terms]
    index = [full[0].index(t) for t in tested]
    firth = full[0].estimator == "firth"
    if len(full) == 1:
        wald = wald_test(full[0].estimates[index], full[0].covariance[np.ix_(index, index)])
        lr = (
            penalised_lr_test(full[0], data_sets[0], index)
            if firth
            else lr_test(full[0].loglik, reduced[0].loglik, len(index))
        )
        methods = ["wald_chi2", "lr_chi2"]
    elif firth:
        # No likelihood-ratio D3 exists for a penalised likelihood: pool each data set's
        # penalised LR χ² (logistf's test) by D2 instead.
        wald = pool_d1_wald(
            np.array([f.estimates for f in full]),
            np.array([f.covariance for f in full]),
            index,
            full[0].n - len(full[0].terms),
        )
        statistics = [
            penalised_lr_test(f, d, index)["statistic"]
            for f, d in zip(full, data_sets, strict=True)
        ]
        lr = pool_d2_chi_squares(np.array(statistics), len(index))
        methods = ["d1_f", "d2_f"]
    else:
        wald = pool_d1_wald(
            np.array([f.estimates for f in full]),
            np.array([f.covariance for f in full]),
            index,
            full[0].n - len(full[0].terms),
        )
        if all(fit.converged for fit in [*full, *reduced]):
            # Design matrices one data set at a time: m of them do not fit in memory at n = 10^6.
            lr = pool_d3_logistic(
                LazySequence(
                    data_sets, lambda d: models.design_matrix(d, full[0].terms).to_numpy()
                ),
                LazySequence(
                    data_sets, lambda d: models.design_matrix(d, reduced[0].terms).to_numpy()
                ),
                LazySequence(data_sets, models.outcome_values),
            )
        else:  # D3 evaluates likelihoods at each data set's MLE, which a failed fit lacks
            lr = {"statistic": np.nan, "df1": len(index), "df2": np.nan, "p_value": np.nan}
        methods = ["d1_f", "d3_f"]
    return pd.DataFrame(
        {
            "term": ["wald_test", "lr_test"],
            "estimate": [wald["statistic"], lr["statistic"]],
            "ci_low": np.nan,
            "ci_high": np.nan,
            "ci_method": methods,
            "df1": [wald["df1"], lr["df1"]],
            "df2": [wald.get("df2", np.nan), lr.get("df2", np.nan)],
            "p_value": [wald["p_value"], lr["p_value"]],
        }
    )
