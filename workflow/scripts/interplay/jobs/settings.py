"""The settings of one analysis: the primary configuration with that analysis's overrides."""

import copy
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

# The config sections that define one analysis; entries of `analyses` override them.
ANALYSIS_SECTIONS = ["outcome", "pair", "covariates", "missing_data", "models"]


def merge_settings(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """base with overrides merged in, recursively (lists and scalars are replaced)."""
    merged = copy.deepcopy(dict(base))
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_settings(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


# The pair's roles (interplay.pair.ROLES) and their reader words, filled in by with_pair_words.
PAIR_ROLES = ("exposure", "modifier")
PAIR_WORDS = ("label", "unit")
# The key of an analysis's covariates section that lists its pair's columns, which are never its
# covariates (covariates.adjustment_covariates); filled in by analysis_settings.
PAIR_COLUMNS = "pair_columns"


# A pair variable's generic settings: a role whose column a later source changes (an entry of
# `analyses`, a user config file over config.yaml) starts again from these, not from the settings
# of the variable it replaces (docs/pair.md, "Another column").
VARIABLE_DEFAULTS = {
    "label": None,
    "unit": None,
    "kind": "scale",
    "transform": "none",
    "split": "median",
    "threshold": None,
    "high_if": "at_or_above",
    "lod": None,
}


def overlaid_pair(pair: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """pair with overrides merged in, but a role whose column the overrides change: that role is
    VARIABLE_DEFAULTS with only the overrides' settings of the role."""
    merged = merge_settings(pair, overrides)
    for role in PAIR_ROLES:
        if changes_column(pair, overrides, role):
            merged[role] = {**VARIABLE_DEFAULTS, **copy.deepcopy(dict(overrides[role]))}
    return merged


def changes_column(pair: Mapping[str, Any], overrides: Mapping[str, Any], role: str) -> bool:
    """Whether the overrides of a pair section set pair.<role>.column to another column."""
    written = overrides.get(role)
    before = pair.get(role)
    return (
        isinstance(written, Mapping)
        and "column" in written
        and written["column"] != (before.get("column") if isinstance(before, Mapping) else None)
    )


def overlaid_pair_roles(sources: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """{role: its settings} of each pair role whose column a later config source (a --configfile
    over config.yaml, --config) changes: rebuilt by overlaid_pair, source by source."""
    pair: dict[str, Any] = {}
    changed: set[str] = set()
    for index, (_, settings) in enumerate(sources):
        written = settings.get("pair")
        if not isinstance(written, Mapping):
            continue
        if index:
            changed |= {role for role in PAIR_ROLES if changes_column(pair, written, role)}
        pair = overlaid_pair(pair, written)
    return {role: pair[role] for role in PAIR_ROLES if role in changed}


def merged_analysis(config: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The config with an entry of `analyses` merged in (its pair section: overlaid_pair)."""
    merged = merge_settings(config, overrides)
    if isinstance(overrides.get("pair"), Mapping) and isinstance(config.get("pair"), Mapping):
        merged["pair"] = overlaid_pair(config["pair"], overrides["pair"])
    return merged


def with_pair_words(pair: Mapping[str, Any], units: Mapping[str, str]) -> dict[str, Any]:
    """The pair section with each variable's label (null: its column) and unit (null: `units`,
    the data dictionary's or extra column's, '' without one) filled in."""
    filled = copy.deepcopy(dict(pair))
    for role in PAIR_ROLES:
        entry = filled[role]
        entry["label"] = entry.get("label") or entry["column"]
        if entry.get("unit") is None:
            entry["unit"] = units.get(entry["column"]) or ""
    return filled


def analysis_settings(
    config: Mapping[str, Any], analysis: str, units: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The sections of one analysis: the primary ones with its entry of `analyses` merged in
    (merged_analysis: a pair variable of another column starts from the generic defaults), the
    pair's labels and units filled in (with_pair_words; `units`: {column: its unit}), and the
    pair's columns listed under covariates.pair_columns (never covariates of the analysis)."""
    merged = merged_analysis(config, config["analyses"][analysis] or {})
    sections = {section: merged[section] for section in ANALYSIS_SECTIONS}
    sections["pair"] = with_pair_words(sections["pair"], units or {})
    sections["covariates"][PAIR_COLUMNS] = [sections["pair"][role]["column"] for role in PAIR_ROLES]
    return sections


def settings_digest(settings: Mapping[str, Any]) -> str:
    """A short SHA-256 digest of settings as canonical JSON (keys sorted)."""
    text = json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Settings(dict):
    """Settings a rule passes to its job as a parameter, shown by repr() as their digest.

    Snakemake records each parameter by its repr() to decide whether a job re-runs, and prints
    old and new in the reason: a digest keeps that to one short line per job (README: "How
    Snakemake decides"). The job gets the whole dictionary; str() shows it too.
    """

    def __repr__(self) -> str:
        return f"settings:{settings_digest(self)}"

    __str__ = dict.__repr__


def first_of_equals(keys: Mapping[str, Any]) -> dict[str, str]:
    """{name: the first name (in order) whose key equals its key}: what equal inputs share."""
    firsts: list[tuple[Any, str]] = []
    shared = {}
    for name, key in keys.items():
        first = next((f for k, f in firsts if k == key), None)
        if first is None:
            firsts.append((key, name))
        shared[name] = first or name
    return shared
