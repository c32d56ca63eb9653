"""What a job fitting an analysis's models reads: its dataset, adjustment set and imputations."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from interplay.covariates import adjustment_covariates
from interplay.imputation.imputed_sets import ImputedSets
from interplay.jobs.imputations import analysis_imputations
from interplay.jobs.intermediates import read_dataset
from interplay.tables import read_table


@dataclass(frozen=True)
class AnalysisInputs:
    """The analysis dataset, its resolved covariates and its imputed sets (None: complete cases)."""

    dataset: pd.DataFrame
    covariates: list[str]
    imputed: ImputedSets | None


def read_analysis_inputs(inputs: Any, settings: Mapping[str, Any]) -> AnalysisInputs:
    """A job's dataset (input `dataset`), the adjustment set (chosen from input `table1` when
    data-driven) and its imputations (analysis_imputations)."""
    dataset = read_dataset(inputs.dataset)
    table1 = read_table(inputs.table1) if hasattr(inputs, "table1") else None
    covariates = adjustment_covariates(settings["covariates"], table1, dataset)
    return AnalysisInputs(
        dataset, covariates, analysis_imputations(inputs, dataset, settings, covariates)
    )
