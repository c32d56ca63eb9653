"""The key estimates of every distinct pair studied, with interaction tests adjusted across pairs.

A pair is the two variables an analysis studies and how each is split into two groups: each
role's column, split, threshold and high_if (pair_key); labels, units, transforms and limits of
detection do not make another pair. Each pair is summarised by its representative: the first
analysis studying it, primary first, then in config order, whose other choices (outcome,
covariates, missing_data, models, and pair.coding, below_lod, require_both, outlier_z) are the
primary's, so that the rows differ only in their pair. A pair without such an analysis is
represented by its first analysis, its row's `differs` naming the choices it makes otherwise (and
a logged note); stratified analyses (models.stratify_by), descriptive and without a whole-sample
estimate, do not represent a pair.
"""

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from interplay.jobs.config_checks import PRIMARY
from interplay.jobs.settings import PAIR_COLUMNS
from interplay.pair import Pair, pair_from_settings, pair_key
from interplay.sensitivity.summary import (
    SENSITIVITY_ESTIMANDS,
    coding_words,
    key_estimates,
    protected_sensitivity,
)
from interplay.tables import WHOLE_SAMPLE

log = logging.getLogger(__name__)

# Multiplicity adjustments across pairs: {column: statsmodels.stats.multitest method}.
ADJUSTMENTS = {"p_holm": "holm", "p_bh": "fdr_bh"}
INTERVAL_SUFFIXES = ("", "_ci_low", "_ci_high")
PAIRS_COLUMNS = [
    "analysis", "exposure", "modifier", "exposure_coding", "modifier_coding", "coding",
    *(f"{estimand}{suffix}" for estimand in SENSITIVITY_ESTIMANDS for suffix in INTERVAL_SUFFIXES),
    "p_interaction", *ADJUSTMENTS, "ci_method", "n", "n_events", "status", "differs",
]  # fmt: skip


# The pair section's choices that are not the pair's: a representative makes them as the primary.
PAIR_CHOICES = ("coding", "below_lod", "require_both", "outlier_z")


def other_choices(settings: Mapping[str, Any]) -> dict[str, Any]:
    """An analysis's choices besides its pair, by name: its sections (the covariates without
    PAIR_COLUMNS, which follow the pair) and the pair section's PAIR_CHOICES."""
    covariates = {k: v for k, v in settings["covariates"].items() if k != PAIR_COLUMNS}
    return {
        "outcome": settings["outcome"],
        "covariates": covariates,
        "missing_data": settings["missing_data"],
        "models": settings["models"],
        **{f"pair.{choice}": settings["pair"].get(choice) for choice in PAIR_CHOICES},
    }


def differing_choices(settings: Mapping[str, Any], primary: Mapping[str, Any]) -> list[str]:
    """The names of the other choices (other_choices) in which an analysis differs from the
    primary, e.g. ['missing_data', 'pair.coding']; none for an analysis of the primary's."""
    own, reference = other_choices(settings), other_choices(primary)
    return [name for name in own if own[name] != reference[name]]


def pair_analyses(settings: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The representative of each distinct pair, in order of its first unstratified analysis
    (primary first, then config order), when there are two or more pairs; none for a single pair
    (no comparison across pairs). A pair's representative is its first analysis making the
    primary's other choices, else (logged; pairs.tsv's `differs` names them) its first analysis."""
    firsts: dict[Any, str] = {}
    matching: dict[Any, str] = {}
    for name in sorted(settings, key=lambda name: name != PRIMARY):
        if settings[name]["models"]["stratify_by"] is not None:
            continue
        key = pair_key(settings[name])
        firsts.setdefault(key, name)
        if not differing_choices(settings[name], settings[PRIMARY]):
            matching.setdefault(key, name)
    if len(firsts) < 2:
        return []
    for key, name in firsts.items():
        if key not in matching:
            log.warning(
                "pairs.tsv: no analysis of the pair of %s makes the primary's other choices; "
                "its row is %s's, which differs in %s (its `differs` column); for a row that "
                "differs from the primary's by the pair alone, add an analysis overriding only "
                "pair.exposure / pair.modifier",
                name,
                name,
                ", ".join(differing_choices(settings[name], settings[PRIMARY])),
            )
    return [matching.get(key, name) for key, name in firsts.items()]


def adjusted_p_values(p_values: pd.Series) -> pd.DataFrame:
    """Holm and Benjamini–Hochberg adjustments of p-values (missing ones left out and missing)."""
    adjusted = pd.DataFrame(np.nan, index=p_values.index, columns=list(ADJUSTMENTS))
    known = p_values.notna()
    if known.any():
        for column, method in ADJUSTMENTS.items():
            adjusted.loc[known, column] = multipletests(p_values[known], method=method)[1]
    return adjusted


def pair_row(
    analysis: str,
    settings: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    pair: Pair,
    differs: list[str],
) -> dict[str, Any]:
    """One pair's row: its names and codings in words, key estimates with intervals, and the
    choices besides the pair in which its analysis differs from the primary (`differs`)."""
    coding = settings["pair"]["coding"]
    estimates = key_estimates(analysis, settings, tables).set_index("estimand")
    ratio = estimates.loc["ratio_of_odds_ratios"]
    row = {
        "analysis": analysis,
        "exposure": pair.exposure.label,
        "modifier": pair.modifier.label,
        "exposure_coding": coding_words(pair.exposure, coding),
        "modifier_coding": coding_words(pair.modifier, coding),
        "coding": coding,
        "p_interaction": ratio["p_value"],
        "ci_method": ratio["ci_method"],
        "n": ratio["n"],
        "n_events": ratio["n_events"],
        "status": ratio["status"],
        "differs": ", ".join(differs),
    }
    for estimand in SENSITIVITY_ESTIMANDS:
        found = estimates.loc[estimand] if estimand in estimates.index else {}
        for suffix, column in zip(
            INTERVAL_SUFFIXES, ("estimate", "ci_low", "ci_high"), strict=True
        ):
            row[f"{estimand}{suffix}"] = found.get(column, np.nan)
    return row


def pairs_table(
    settings: Mapping[str, Mapping[str, Any]],
    tables: Mapping[str, Mapping[str, pd.DataFrame]],
) -> pd.DataFrame:
    """One row per pair (the analyses of `pair_analyses`, in that order, their pair's labels and
    units filled in by jobs.settings.analysis_settings), with the interaction p-values adjusted
    across pairs."""
    rows = [
        pair_row(
            name,
            settings[name],
            whole_sample_tables(tables[name]),
            pair_from_settings(settings[name]),
            differing_choices(settings[name], settings[PRIMARY]),
        )
        for name in settings
    ]
    table = pd.DataFrame(rows, columns=PAIRS_COLUMNS)
    table[list(ADJUSTMENTS)] = adjusted_p_values(table["p_interaction"])
    return table


def whole_sample_tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """An unstratified analysis's tables (their one stratum, the whole sample)."""
    return {name: table[table["stratum"] == WHOLE_SAMPLE] for name, table in tables.items()}


def protected_pairs(
    table: pd.DataFrame,
    protected_models: Mapping[str, tuple[pd.DataFrame, str]],
    min_count: int | None,
    name: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table with n and n_events hidden where each analysis's protected models table hides
    them (protected_sensitivity's rule), and the log of what was."""
    protected, log = protected_sensitivity(
        table.assign(stratum=WHOLE_SAMPLE), protected_models, min_count, name
    )
    return protected.drop(columns="stratum"), log
