"""The key estimates of every distinct pair studied, with interaction tests adjusted across pairs.

A pair is an analysis's `pair.exposure` and `pair.modifier` settings: analyses whose two entries
are equal study the same pair (codings, below-LOD handling and exclusions are the pair's analysis
choices, which sensitivity.tsv compares). Each pair is summarised by the first analysis studying
it, primary first, then in config order; stratified analyses (models.stratify_by), descriptive
and without a whole-sample estimate, do not represent a pair.
"""

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from interplay.jobs.config_checks import PRIMARY
from interplay.jobs.settings import first_of_equals
from interplay.pair import Pair, pair_from_settings
from interplay.sensitivity.summary import (
    SENSITIVITY_ESTIMANDS,
    coding_words,
    key_estimates,
    protected_sensitivity,
)
from interplay.tables import WHOLE_SAMPLE

# Multiplicity adjustments across pairs: {column: statsmodels.stats.multitest method}.
ADJUSTMENTS = {"p_holm": "holm", "p_bh": "fdr_bh"}
INTERVAL_SUFFIXES = ("", "_ci_low", "_ci_high")
PAIRS_COLUMNS = [
    "analysis", "exposure", "modifier", "exposure_coding", "modifier_coding", "coding",
    *(f"{estimand}{suffix}" for estimand in SENSITIVITY_ESTIMANDS for suffix in INTERVAL_SUFFIXES),
    "p_interaction", *ADJUSTMENTS, "ci_method", "n", "n_events", "status",
]  # fmt: skip


def pair_key(settings: Mapping[str, Any]) -> tuple[Any, Any]:
    """What makes two analyses study the same pair: their exposure and modifier settings."""
    return settings["pair"]["exposure"], settings["pair"]["modifier"]


def pair_analyses(settings: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The first unstratified analysis of each distinct pair (primary first, then config order),
    when they are two or more; none for a single pair (no comparison across pairs)."""
    candidates = [
        name
        for name in sorted(settings, key=lambda name: name != PRIMARY)
        if settings[name]["models"]["stratify_by"] is None
    ]
    firsts = first_of_equals({name: pair_key(settings[name]) for name in candidates})
    names = list(dict.fromkeys(firsts.values()))
    return names if len(names) >= 2 else []


def adjusted_p_values(p_values: pd.Series) -> pd.DataFrame:
    """Holm and Benjamini–Hochberg adjustments of p-values (missing ones left out and missing)."""
    adjusted = pd.DataFrame(np.nan, index=p_values.index, columns=list(ADJUSTMENTS))
    known = p_values.notna()
    if known.any():
        for column, method in ADJUSTMENTS.items():
            adjusted.loc[known, column] = multipletests(p_values[known], method=method)[1]
    return adjusted


def pair_row(
    analysis: str, settings: Mapping[str, Any], tables: Mapping[str, pd.DataFrame], pair: Pair
) -> dict[str, Any]:
    """One pair's row: its names and codings in words, then key estimates with intervals."""
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
