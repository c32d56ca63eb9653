"""The adjustment set of an analysis: a named list, or the paper-style data-driven set."""

import copy
from collections.abc import Mapping
from typing import Any

import pandas as pd

from interplay.describe.table1 import KINDS, paper_style_covariates
from interplay.errors import InputError
from interplay.jobs.config_checks import PAPER_SET, ConfigError, check_names
from interplay.jobs.settings import PAIR_COLUMNS

# Table 1 rows that are not confounders: the post-baseline treatment step (docs/analysis_plan.md
# §8 uses it only as a descriptive stratifier); the pair's own rows are not candidates either.
NOT_CANDIDATES = {"treatment_step"}
PAPER_CANDIDATES = [v for v in KINDS if v not in NOT_CANDIDATES]


def adjustment_covariates(
    covariate_settings: Mapping[str, Any],
    table1: pd.DataFrame | None = None,
    dataset: pd.DataFrame | None = None,
) -> list[str]:
    """The covariates of the configured adjustment set; the paper set needs Table 1 by outcome.

    Rule: the analysis's own pair columns are never its covariates (covariate_settings'
    PAIR_COLUMNS, filled in by jobs.settings.analysis_settings): a modifier such as HADS anxiety
    (or age, split at 60) leaves a named set and the paper candidates of that analysis. With the
    analysis dataset given, a named set must name its columns, each with some value.
    """
    name = covariate_settings["adjustment_set"]
    pair = set(covariate_settings.get(PAIR_COLUMNS, ()))
    if name == PAPER_SET:
        if table1 is None:
            raise ValueError("the paper-style adjustment set needs Table 1 by outcome")
        candidates = [c for c in PAPER_CANDIDATES if c not in pair]
        return paper_style_covariates(table1, candidates, covariate_settings["paper_p"])
    if name not in covariate_settings["sets"]:
        raise InputError(
            f"covariates.adjustment_set '{name}' is not a list in covariates.sets",
            file="config.yaml",
            column="covariates.adjustment_set",
            fix=f"name one of: {', '.join([*covariate_settings['sets'], PAPER_SET])}",
        )
    covariates = [c for c in covariate_settings["sets"][name] if c not in pair]
    if dataset is not None:
        require_observed_covariates(dataset, name, covariates)
    return covariates


def require_observed_covariates(dataset: pd.DataFrame, name: str, covariates: list[str]) -> None:
    """Raise a ConfigError for a covariate of set `name` the dataset lacks or never observes."""
    key = f"covariates.sets.{name}"
    check_names(
        covariates,
        list(dataset.columns),
        key=key.split("."),
        what="a column of the analysis dataset",
        fix=f"use the analysis dataset's column names in {key}",
    )
    observed = [column for column in covariates if dataset[column].notna().any()]
    empty = [column for column in covariates if column not in observed]
    if empty:
        raise ConfigError(
            f"covariate set '{name}' names {empty[0]}, which has no value for any patient "
            f"(the baseline table has no {empty[0]} column, or it is empty)",
            key=key,
            written=empty[0],
            allowed="covariates with values: " + (", ".join(observed) or "(none)"),
            fix=f"remove {empty[0]} from {key}, or add a {empty[0]} column to the baseline "
            "export (data.columns.baseline maps your header to it)",
        )


def with_covariates(settings: Mapping[str, Any], covariates: list[str]) -> dict[str, Any]:
    """Analysis settings whose adjustment set is the given, resolved list."""
    resolved = copy.deepcopy(dict(settings))
    name = resolved["covariates"]["adjustment_set"]
    resolved["covariates"]["sets"] = {**resolved["covariates"]["sets"], name: covariates}
    return resolved
