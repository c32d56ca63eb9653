"""Columns the configuration adds to the data dictionary (config data.extra_columns).

Each entry {our name: {table, type, unit, min, max, plausible_min, plausible_max, levels, required,
description}} becomes one dictionary row and is parsed and checked by
interplay.data.dictionary.parse_dictionary, like a row of resources/data_dictionary.tsv. A name
the dictionary or the analysis dataset already uses is refused: a built-in column keeps the
dictionary's contract (to change it, edit a copy of the dictionary and point data.dictionary at
it). Extra baseline columns are carried into the analysis dataset, after its own columns.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from interplay.data.biomarkers import CODING_COLUMNS
from interplay.data.convert import BELOW_LOD_SUFFIX, LOD_SUFFIX
from interplay.data.dictionary import FIELDS, LEVEL_SEPARATOR, parse_dictionary
from interplay.data.flow import LEADING_COLUMNS
from interplay.errors import InputError

KEY = "data.extra_columns"
DEFAULTS = {"table": "baseline", "required": False}
ExtraColumns = Mapping[str, Mapping[str, Any]]


def source(name: str) -> str:
    """Where an entry is written, for messages: configuration data.extra_columns.<name>."""
    return f"configuration {KEY}.{name}"


def field_text(field: str, value: Any) -> str:
    """A configured field written as the dictionary's text cell (yes/no, a|b, '' for none)."""
    if value is None:
        return ""
    if field == "required":
        return "yes" if value else "no"
    if field == "levels":
        return LEVEL_SEPARATOR.join(str(level) for level in value)
    return str(value)


def extra_row(name: str, entry: Mapping[str, Any]) -> pd.DataFrame:
    """One configured column as a one-row raw dictionary, as if read from the dictionary file."""
    written = {**DEFAULTS, **entry, "column": name}
    return pd.DataFrame([{field: field_text(field, written.get(field)) for field in FIELDS}])


def reserved_names(dictionary: pd.DataFrame) -> set[str]:
    """Names an extra column may not take: the dictionary's, the dataset's and their LOD columns."""
    names = {*dictionary["column"], *LEADING_COLUMNS, *CODING_COLUMNS}
    biomarkers = dictionary.loc[dictionary["type"] == "biomarker", "column"]
    return names | {f"{b}{suffix}" for b in biomarkers for suffix in (BELOW_LOD_SUFFIX, LOD_SUFFIX)}


def check_table(name: str, spec: pd.Series) -> None:
    """Refuse a biomarker in the visits table: limits of detection are read at baseline only."""
    if spec["type"] == "biomarker" and spec["table"] != "baseline":
        raise InputError(
            f"configuration {KEY}.{name} declares a biomarker in the {spec['table']} table; "
            "biomarkers are measured once, at baseline",
            file=source(name),
            column="table",
            fix=f"set {KEY}.{name}.table: baseline, or type: number for a repeated measurement",
        )


def declared_names(name: str, spec: pd.Series) -> list[str]:
    """The columns an entry creates: its own and, for a biomarker, its LOD columns."""
    suffixes = (BELOW_LOD_SUFFIX, LOD_SUFFIX) if spec["type"] == "biomarker" else ()
    return [name, *(name + suffix for suffix in suffixes)]


def check_name(name: str, spec: pd.Series, taken: set[str]) -> None:
    """Refuse a name (or, for a biomarker, its LOD columns) that is already in use."""
    clashes = [candidate for candidate in declared_names(name, spec) if candidate in taken]
    if clashes:
        raise InputError(
            f"configuration {KEY}.{name} declares '{clashes[0]}', a column the data dictionary "
            "or the analysis dataset already has",
            file=source(name),
            column=name,
            fix=f"give the extra column another name (e.g. {name}_extra) and map your header to "
            f"it under data.columns.{spec['table']}; to change a built-in column's unit or range, "
            "edit a copy of resources/data_dictionary.tsv and point data.dictionary at it",
        )


def with_extra_columns(dictionary: pd.DataFrame, extra_columns: ExtraColumns) -> pd.DataFrame:
    """The dictionary with the configured extra columns appended, each parsed like a file row."""
    parsed, taken = [dictionary], reserved_names(dictionary)
    for name, entry in (extra_columns or {}).items():
        spec = parse_dictionary(extra_row(name, entry or {}), source(name)).iloc[0]
        check_table(name, spec)
        check_name(name, spec, taken)
        taken |= set(declared_names(name, spec))
        parsed.append(spec.to_frame().T)
    if len(parsed) == 1:
        return dictionary
    return pd.concat(parsed, ignore_index=True).astype(dictionary.dtypes.to_dict())


def covariate_sets(config: Mapping[str, Any]) -> dict[str, Sequence[str]]:
    """Every covariate set of the configuration by its key: the primary ones, each analysis's."""
    sets = {
        f"covariates.sets.{name}": covariates
        for name, covariates in config["covariates"]["sets"].items()
    }
    for analysis, overrides in config.get("analyses", {}).items():
        written = ((overrides or {}).get("covariates") or {}).get("sets") or {}
        sets |= {f"analyses.{analysis}.covariates.sets.{n}": c for n, c in written.items()}
    return sets


def check_extra_covariates(config: Mapping[str, Any]) -> None:
    """Refuse an extra category column as a covariate: the models know the built-in levels only."""
    extras = config["data"].get("extra_columns") or {}
    categories = {name for name, entry in extras.items() if (entry or {}).get("type") == "category"}
    for key, covariates in covariate_sets(config).items():
        used = [column for column in covariates if column in categories]
        if used:
            raise InputError(
                f"configuration {key} names {used[0]}, a category column declared in {KEY}: "
                "the models code the levels of the dictionary's own categories (sex) only, so far",
                file=f"configuration {key}",
                column=used[0],
                fix=f"use {used[0]} as models.stratify_by, or declare one binary extra column per "
                f"non-reference level (e.g. {used[0]}_b: {{type: binary}}) and list those in {key}",
            )
