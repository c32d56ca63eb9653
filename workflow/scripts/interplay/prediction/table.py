"""The prediction table of one analysis (docs/prediction.md): every model, measure and threshold."""

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from interplay.analysis import fit as analysis_fit
from interplay.imputation.imputed_sets import ImputedSets, as_imputed_sets
from interplay.models import logistic as models
from interplay.prediction.models import PREDICTION_MODELS, model_designs
from interplay.prediction.optimism import (
    DIFFERENCES,
    REFERENCE_STRATEGIES,
    DataSetPerformance,
    data_set_performance,
)
from interplay.prediction.pooling import pooled_row

PERFORMANCE_COLUMNS = [
    "analysis", "model", "metric", "threshold", "apparent", "optimism", "corrected",
    "ci_low", "ci_high", "n", "n_events", "imputations", "replicates", "status",
]  # fmt: skip


def row_status(model: str, parts: list[DataSetPerformance]) -> str:
    """The worst apparent fit status behind a row: its model's, or both models' of a difference."""
    behind = DIFFERENCES.get(model, (model,))
    statuses = [part.status[name] for part in parts for name in behind if name in PREDICTION_MODELS]
    return models.worst_status(statuses)


def prediction_table(
    dataset: pd.DataFrame,
    imputed: ImputedSets | pd.DataFrame | None,
    settings: Mapping[str, Any],
    options: Mapping[str, Any],
) -> pd.DataFrame:
    """Apparent, optimism and corrected performance of the three models, pooled over imputations.

    options: analysis (name), seed, replicates (per data set) and thresholds (array).
    Columns (docs/prediction.md): analysis, model (covariates | pair | interaction, the
    differences pair_minus_covariates | interaction_minus_pair | interaction_minus_covariates,
    and treat_all | treat_none for net benefit), metric (c_statistic, c_statistic_difference,
    calibration_intercept, calibration_slope, brier_score, net_benefit), threshold (net benefit
    only), apparent, optimism, corrected (apparent − optimism), ci_low / ci_high (the corrected
    c-statistic only, Rubin's rules on the logit scale), n, n_events, imputations (data sets
    pooled; 0 for complete cases), replicates (bootstrap replicates averaged over, summed over
    data sets), status (the worst apparent fit behind the row).
    """
    plan = analysis_fit.read_plan(settings)
    imputed = as_imputed_sets(imputed)
    imputing = analysis_fit.uses_imputations(imputed, plan)
    data_sets = analysis_fit.analysed_data_sets(dataset, imputed if imputing else None, plan)
    thresholds = np.asarray(options["thresholds"], dtype=float)
    parts = []
    for number, data in enumerate(data_sets, start=1 if imputing else 0):
        designs = model_designs(data, settings["pair"]["coding"], plan.covariates)
        bootstrap = (options["seed"], options["analysis"], number, options["replicates"])
        parts.append(
            data_set_performance(
                designs, models.outcome_values(data), thresholds, bootstrap, plan.estimator
            )
        )
    rows = []
    for key in parts[0].apparent:
        model, metric, threshold = key
        rows.append(
            {
                "analysis": options["analysis"],
                "model": model,
                "metric": metric,
                "threshold": threshold,
                **pooled_row(key, parts, plan.ci_level),
                "n": analysis_fit.average_count([part.n for part in parts]),
                "n_events": analysis_fit.average_count([part.n_events for part in parts]),
                "imputations": len(parts) if imputing else 0,
                "replicates": 0
                if model in REFERENCE_STRATEGIES
                else sum(part.replicates for part in parts),
                "status": row_status(model, parts),
            }
        )
    return pd.DataFrame(rows, columns=PERFORMANCE_COLUMNS)


def table_value(table: pd.DataFrame, model: str, metric: str, column: str = "corrected") -> float:
    """One value of a prediction table's scalar measure (threshold NA), e.g. a corrected one."""
    rows = table.loc[(table["model"] == model) & (table["metric"] == metric), column]
    return float(rows.iloc[0])
