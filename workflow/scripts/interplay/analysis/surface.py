"""The interaction surface of one analysis (docs/surface.md) on its analysed data sets."""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from interplay.analysis.fit import analysed_data_sets, read_plan, uses_imputations
from interplay.imputation.imputed_sets import ImputedSets
from interplay.interaction.surface import surface_tables


def surface_analysis(
    dataset: pd.DataFrame,
    settings: Mapping[str, Any],
    imputed: ImputedSets | None,
    surface: Mapping[str, Any],
) -> dict[str, pd.DataFrame]:
    """The surface and surface_test tables (interaction.surface.surface_tables) of an analysis,
    fitted to the data sets its models use: each imputed set, or the complete cases.

    settings: the merged analysis sections with the adjustment set resolved; surface: the config
    section surface (df, grid_points).
    """
    plan = read_plan(settings)
    data_sets = analysed_data_sets(
        dataset, imputed if uses_imputations(imputed, plan) else None, plan
    )
    return surface_tables(
        data_sets,
        dataset,
        plan.pair,
        plan.covariates,
        surface["df"],
        surface["grid_points"],
        plan.ci_level,
    )
