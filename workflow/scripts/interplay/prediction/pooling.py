"""Prediction performance pooled over imputed data sets ("MI then bootstrap", Wahl et al. 2016).

The c-statistic is pooled on the logit scale by Rubin's rules, each data set's within variance
from Hanley & McNeil (1982) by the delta method (Marshall et al., BMC Med Res Methodol 2009;
Debray et al., Stat Med 2017); every other measure and every optimism is averaged over the sets.
With one data set (complete cases) the same rules give the Wald interval on the logit scale.
"""

from collections.abc import Sequence

import numpy as np
from scipy.special import expit, logit

from interplay.models.distributions import t_quantile
from interplay.models.pool import pool_rubin
from interplay.prediction import metrics
from interplay.prediction.optimism import DataSetPerformance, Key


def logit_c_variance(c: np.ndarray, n_events: int, n_non_events: int) -> np.ndarray:
    """Variance of logit(c) by the delta method: var(c) / (c(1 − c))²."""
    return metrics.hanley_mcneil_variance(c, n_events, n_non_events) / (c * (1 - c)) ** 2


def pooled_c_statistic(
    values: np.ndarray, n_events: int, n_non_events: int, ci_level: float
) -> tuple[float, float, float]:
    """Rubin-pooled c-statistic of m data sets on the logit scale: (estimate, ci_low, ci_high)."""
    pooled = pool_rubin(
        logit(values)[:, None],
        logit_c_variance(values, n_events, n_non_events)[:, None],
        np.inf,
        ["c_statistic"],
    ).iloc[0]
    half = t_quantile(0.5 + ci_level / 2, pooled["df"]) * pooled["std_error"]
    centre = pooled["estimate"]
    return float(expit(centre)), float(expit(centre - half)), float(expit(centre + half))


def pooled_row(key: Key, parts: Sequence[DataSetPerformance], ci_level: float) -> dict[str, float]:
    """apparent, optimism, corrected and (c-statistic only) the corrected one's interval.

    The corrected c-statistic pools each set's apparent − optimism on the logit scale, and its
    optimism column is the pooled apparent minus that.
    """
    apparent = np.array([part.apparent[key] for part in parts])
    optimism = np.array([part.optimism[key] for part in parts])
    if key[1] != "c_statistic":
        mean_apparent, mean_optimism = float(apparent.mean()), float(optimism.mean())
        return {
            "apparent": mean_apparent,
            "optimism": mean_optimism,
            "corrected": mean_apparent - mean_optimism,
            "ci_low": np.nan,
            "ci_high": np.nan,
        }
    n_events = parts[0].n_events
    n_non_events = parts[0].n - n_events
    pooled_apparent = pooled_c_statistic(apparent, n_events, n_non_events, ci_level)[0]
    corrected, low, high = pooled_c_statistic(apparent - optimism, n_events, n_non_events, ci_level)
    return {
        "apparent": pooled_apparent,
        "optimism": pooled_apparent - corrected,
        "corrected": corrected,
        "ci_low": low,
        "ci_high": high,
    }
