"""The reference cell an analysis holds (models.additive_reference primary), read by its jobs
from the reference analysis's model-based interaction table (interaction.reference)."""

from collections.abc import Mapping
from copy import deepcopy
from typing import Any

import pandas as pd

from interplay.errors import InputError
from interplay.interaction.reference import HELD_KEY
from interplay.tables import WHOLE_SAMPLE, read_table


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
    out = deepcopy(dict(settings))
    if path is not None:
        out["models"] = {**out["models"], HELD_KEY: held_reference_name(read_table(path), path)}
    return out
