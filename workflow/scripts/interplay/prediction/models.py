"""The three prediction models of an analysis: covariates only, + the pair, + their product.

The pair enters as the analysis codes it: the median-split indicators (split), the tertile
indicators T2 and T3 of each variable (tertiles; the interaction is then all four products, as
saturated in the 3 × 3 cells as the joint model) or the scaled continuous variables (continuous).
"""

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from interplay.models import logistic as models

PREDICTION_MODELS = ("covariates", "pair", "interaction")
TERTILE_LEVELS = (2, 3)
TERTILE_COLUMNS = {"exposure": "exposure_tertile", "modifier": "modifier_tertile"}


def tertile_terms(role: str) -> list[str]:
    """Indicator terms of tertiles 2 and 3 of one variable of the pair, e.g. exposure_t3."""
    return [f"{role}_t{level}" for level in TERTILE_LEVELS]


def pair_exposures(coding: str) -> dict[str, list[str]]:
    """The pair's terms in each of the three models under a pair.coding."""
    if coding == "tertiles":
        exposure, modifier = tertile_terms("exposure"), tertile_terms("modifier")
        products = [f"{a}{models.PRODUCT}{b}" for a in exposure for b in modifier]
        main = [*exposure, *modifier]
        return {"covariates": [], "pair": main, "interaction": [*main, *products]}
    full = models.MODEL_EXPOSURES["continuous" if coding == "continuous" else "product"]
    return {"covariates": [], "pair": full[:2], "interaction": full}


def with_tertile_indicators(data: pd.DataFrame) -> pd.DataFrame:
    """The data with 0/1 indicators of tertiles 2 and 3 of both variables (NaN where missing)."""
    indicators = {}
    for role, column in TERTILE_COLUMNS.items():
        values = pd.to_numeric(data[column], errors="coerce")
        for level, term in zip(TERTILE_LEVELS, tertile_terms(role), strict=True):
            indicators[term] = (values == level).astype(float).where(values.notna())
    return data.assign(**indicators)


def model_designs(
    data: pd.DataFrame, coding: str, covariates: Sequence[str]
) -> dict[str, pd.DataFrame]:
    """The design matrix of each prediction model in one (complete) data set."""
    source = with_tertile_indicators(data) if coding == "tertiles" else data
    return {
        model: models.design_matrix(source, models.model_terms(exposures, covariates))
        for model, exposures in pair_exposures(coding).items()
    }


def design_arrays(designs: Mapping[str, pd.DataFrame]) -> dict[str, np.ndarray]:
    """The design matrices as float arrays."""
    return {model: design.to_numpy(float) for model, design in designs.items()}
