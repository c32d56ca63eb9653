"""The imputed data sets a model or bootstrap job of an analysis reads."""

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from interplay.imputation.chained import imputations_of_nothing
from interplay.imputation.imputed_sets import ImputedSets
from interplay.jobs.intermediates import read_imputations


def analysis_imputations(
    inputs: Any, dataset: pd.DataFrame, settings: Mapping[str, Any], covariates: Sequence[str]
) -> ImputedSets | None:
    """The job's imputed.npz (input `imputed`); for an imputing analysis without one, which has
    nothing to impute (common.smk imputes_nothing), the copies its imputation would give; None for
    complete cases."""
    m = settings["missing_data"]["m"]
    if hasattr(inputs, "imputed"):
        return read_imputations(inputs.imputed, dataset, m)
    if settings["missing_data"]["method"] == "mice":
        return imputations_of_nothing(dataset, covariates, m)
    return None
