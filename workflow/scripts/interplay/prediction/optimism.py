"""Apparent performance and Harrell's bootstrap optimism in one data set.

Harrell, Lee & Mark, Stat Med 1996;15:361–87; Steyerberg, Clinical Prediction Models (2019) §5.3:
for b = 1..B draw a bootstrap sample, refit every model in it, and compute each measure in that
sample (apparent in b) and in the original data (test); optimism = mean(apparent in b − test) and
the corrected measure = apparent − optimism. The model fitting is repeated in every replicate;
the covariate set and the pair's cut-points are taken as given (docs/prediction.md).
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from interplay.bootstrap.replicates import chunk_size, chunks, resample
from interplay.models import logistic as models
from interplay.models.batched import fit_weighted
from interplay.prediction import metrics
from interplay.prediction.models import PREDICTION_MODELS, design_arrays
from interplay.seeds import stream_key

log = logging.getLogger(__name__)

SCALAR_METRICS = ("c_statistic", "calibration_intercept", "calibration_slope", "brier_score")
NET_BENEFIT = "net_benefit"
C_DIFFERENCE = "c_statistic_difference"
# Differences of the c-statistic: {row model: (model, model it is compared with)}.
DIFFERENCES = {
    "pair_minus_covariates": ("pair", "covariates"),
    "interaction_minus_pair": ("interaction", "pair"),
    "interaction_minus_covariates": ("interaction", "covariates"),
}
REFERENCE_STRATEGIES = ("treat_all", "treat_none")
# A row of the prediction table: (model, metric, threshold); threshold NaN but for net benefit.
Key = tuple[str, str, float]


def performance(
    y: np.ndarray, eta: np.ndarray, weights: np.ndarray, thresholds: np.ndarray
) -> dict[str, np.ndarray]:
    """Every measure of linear predictors eta (R, n) under weights (R, n): (R,) or (R, T)."""
    return {
        "c_statistic": metrics.c_statistic(y, eta, weights),
        "calibration_intercept": metrics.calibration_intercept(y, eta, weights),
        "calibration_slope": metrics.calibration_slope(y, eta, weights),
        "brier_score": metrics.brier_score(y, eta, weights),
        NET_BENEFIT: metrics.net_benefit(y, eta, weights, thresholds),
    }


def keyed(
    measures: Mapping[str, Mapping[str, np.ndarray]], thresholds: np.ndarray
) -> dict[Key, np.ndarray]:
    """Each model's measures (R,) by row key, with the c-statistic differences between models."""
    out: dict[Key, np.ndarray] = {}
    for model in PREDICTION_MODELS:
        for metric in SCALAR_METRICS:
            out[(model, metric, np.nan)] = measures[model][metric]
    for name, (model, other) in DIFFERENCES.items():
        difference = measures[model]["c_statistic"] - measures[other]["c_statistic"]
        out[(name, C_DIFFERENCE, np.nan)] = difference
    for model in PREDICTION_MODELS:
        for k, threshold in enumerate(thresholds):
            out[(model, NET_BENEFIT, float(threshold))] = measures[model][NET_BENEFIT][:, k]
    return out


def strategy_benefits(y: np.ndarray, thresholds: np.ndarray) -> dict[Key, float]:
    """Net benefit of treating everyone and no one at each threshold (no model, no optimism)."""
    treat_all = metrics.treat_all_benefit(y, thresholds)
    out: dict[Key, float] = {}
    for k, threshold in enumerate(thresholds):
        out[("treat_all", NET_BENEFIT, float(threshold))] = float(treat_all[k])
        out[("treat_none", NET_BENEFIT, float(threshold))] = 0.0
    return out


@dataclass(frozen=True)
class DataSetPerformance:
    """Apparent measures and their optimism in one data set, by row key."""

    apparent: dict[Key, float]
    optimism: dict[Key, float]
    replicates: int  # replicates whose every model converged (the optimism averages over them)
    status: dict[str, str]  # each model's apparent fit status
    n: int
    n_events: int


def replicate_counts(
    seed: int, analysis: str, data_set: int, replicates: range, n: int
) -> np.ndarray:
    """Frequency weights (R, n) of bootstrap replicates, each from stream (seed, "prediction",
    analysis, data set, replicate), so they do not depend on how the work is split."""
    streams = [
        np.random.SeedSequence(stream_key(seed, "prediction", analysis, data_set, r))
        for r in replicates
    ]
    return np.array([np.bincount(resample(s, n), minlength=n) for s in streams], dtype=float)


def optimism_sums(
    designs: Mapping[str, np.ndarray],
    y: np.ndarray,
    starts: Mapping[str, np.ndarray],
    counts: np.ndarray,
    thresholds: np.ndarray,
) -> tuple[dict[Key, float], int]:
    """Sums over the converged replicates of a chunk of (apparent in b − test), and their count."""
    fits = {
        model: fit_weighted(designs[model], y, counts, starts[model]) for model in PREDICTION_MODELS
    }
    kept = np.logical_and.reduce([fit.converged for fit in fits.values()])
    ones = np.ones((int(kept.sum()), len(y)))
    boot, test = {}, {}
    for model, fit in fits.items():
        eta = fit.estimates[kept] @ designs[model].T
        boot[model] = performance(y, eta, counts[kept], thresholds)
        test[model] = performance(y, eta, ones, thresholds)
    boot_keyed, test_keyed = keyed(boot, thresholds), keyed(test, thresholds)
    sums = {key: float(np.sum(boot_keyed[key] - test_keyed[key])) for key in boot_keyed}
    return sums, int(kept.sum())


def data_set_performance(
    designs: Mapping[str, pd.DataFrame],
    y: np.ndarray,
    thresholds: np.ndarray,
    bootstrap: tuple[int, str, int, int],
    estimator: str,
) -> DataSetPerformance:
    """Apparent measures and Harrell's optimism of the three models in one data set.

    bootstrap: (seed, analysis, data set number, replicates).
    """
    seed, analysis, data_set, total = bootstrap
    fits = {
        model: models.fit_logistic(design, y, estimator, f"{model} prediction model")
        for model, design in designs.items()
    }
    arrays = design_arrays(designs)
    ones = np.ones((1, len(y)))
    apparent_measures = {
        model: performance(y, fits[model].estimates @ arrays[model].T[None], ones, thresholds)
        for model in PREDICTION_MODELS
    }
    apparent = {k: float(v[0]) for k, v in keyed(apparent_measures, thresholds).items()}
    sums = dict.fromkeys(apparent, 0.0)
    used = 0
    starts = {model: fit.estimates for model, fit in fits.items()}
    for chunk in chunks(range(total), chunk_size(len(y))):
        counts = replicate_counts(seed, analysis, data_set, chunk, len(y))
        chunk_sums, kept = optimism_sums(arrays, y, starts, counts, thresholds)
        used += kept
        for key, value in chunk_sums.items():
            sums[key] += value
    if used < total:
        log.warning(
            "prediction, data set %d: %d of %d optimism replicates had a model fit that did not "
            "converge; the optimism averages over the other %d",
            data_set,
            total - used,
            total,
            used,
        )
    optimism = {key: value / used if used else np.nan for key, value in sums.items()}
    strategies = strategy_benefits(y, thresholds)
    return DataSetPerformance(
        apparent={**apparent, **strategies},
        optimism={**optimism, **dict.fromkeys(strategies, 0.0)},
        replicates=used,
        status={model: fit.status for model, fit in fits.items()},
        n=len(y),
        n_events=int(y.sum()),
    )
