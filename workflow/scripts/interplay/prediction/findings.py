"""The findings row of the prediction table: what adding the pair does to the c-statistic."""

import numpy as np
import pandas as pd

from interplay.pair import Pair
from interplay.prediction.table import table_value

CODE = "prediction_c_statistic"


def replicates_text(table: pd.DataFrame) -> str:
    """'200 replicates per imputed set' (the table sums them over the sets), or '200 replicates'."""
    replicates, imputations = (int(table[c].iloc[0]) for c in ("replicates", "imputations"))
    if imputations == 0:
        return f"{replicates:,} replicates"
    return f"{replicates / imputations:,.0f} replicates per imputed set"


def prediction_finding(prediction: pd.DataFrame, pair: Pair) -> dict:
    """The findings row: the corrected c-statistic difference (pair − covariates), its sentence."""
    table = prediction.loc[prediction["analysis"] == "primary"]
    before, after = (table_value(table, m, "c_statistic") for m in ("covariates", "pair"))
    product = table_value(table, "interaction", "c_statistic")
    difference = table_value(table, "pair_minus_covariates", "c_statistic_difference")
    apparent = [table_value(table, m, "c_statistic", "apparent") for m in ("covariates", "pair")]
    replicates = replicates_text(table)
    sentence = (
        f"Prediction: adding {pair.exposure.label} and {pair.modifier.label} to the covariates "
        f"changes the optimism-corrected c-statistic from {before:.3f} to {after:.3f} "
        f"(difference {difference:+.3f}; with their interaction {product:.3f}; apparent "
        f"{apparent[0]:.3f} to {apparent[1]:.3f}; Harrell's bootstrap, {replicates})."
    )
    return {
        "estimand": CODE,
        "label": f"Change in c-statistic, + {pair.exposure.label} and {pair.modifier.label}",
        "estimate": difference,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "ci_method": np.nan,
        "sentence": sentence,
    }
