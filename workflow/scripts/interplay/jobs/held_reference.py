"""The reference cell an analysis holds (models.additive_reference primary), read by its jobs
from the reference analysis's model-based interaction table (interaction.reference)."""

from collections.abc import Mapping
from copy import deepcopy
from typing import Any

import pandas as pd

from interplay.errors import InputError
from interplay.interaction.reference import HELD_KEY, PRIMARY_RULE
from interplay.jobs.config_checks import PRIMARY
from interplay.pair import pair_key
from interplay.tables import WHOLE_SAMPLE, read_table


def reference_analysis(analyses: Mapping[str, Mapping[str, Any]], analysis: str) -> str | None:
    """The analysis whose reference cell of the additive measures an analysis holds
    (models.additive_reference primary): the primary, or for another pair the first unstratified
    analysis of that pair; None when the analysis chooses (or names) its own.

    analyses: every analysis's merged settings, in the order of the configuration.
    """
    if analyses[analysis]["models"]["additive_reference"] != PRIMARY_RULE:
        return None
    key = pair_key(analyses[analysis])
    holder = next(
        name
        for name in sorted(analyses, key=lambda name: name != PRIMARY)
        if pair_key(analyses[name]) == key
        and (analyses[name]["models"]["stratify_by"] is None or name == analysis)
    )
    return None if holder == analysis else holder


def held_reference_name(table: pd.DataFrame, path: str) -> str:
    """The whole-sample reference cell of a reference analysis's (model-based) interaction table."""
    rows = table[table["scale"] == "joint_odds_ratio"]
    if "stratum" in rows:
        rows = rows[rows["stratum"] == WHOLE_SAMPLE]
    names = rows["reference_group"].dropna().unique()
    if len(names) != 1:
        raise InputError(
            "the reference analysis's interaction table has no single whole-sample reference cell",
            file=path,
            column="reference_group",
            fix="set models.additive_reference to each_analysis or to a named cell, or run the "
            "reference analysis unstratified",
        )
    return str(names[0])


def with_held_reference(settings: Mapping[str, Any], path: str | None) -> dict[str, Any]:
    """The settings with models.held_reference read from the reference analysis's interaction
    table at path (None: this analysis chooses its own cell; the settings as given)."""
    if path is None:
        return deepcopy(dict(settings))
    return holding(settings, held_reference_name(read_table(path), path))


def holding(settings: Mapping[str, Any], cell: str) -> dict[str, Any]:
    """The settings with models.held_reference set to the named cell."""
    out = deepcopy(dict(settings))
    out["models"] = {**out["models"], HELD_KEY: cell}
    return out
