"""The settings of one analysis: the primary configuration with that analysis's overrides."""

import copy
import hashlib
import json
from collections.abc import Mapping
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
    """The sections of one analysis: the primary ones with its entry of `analyses` merged in, the
    pair's labels and units filled in (with_pair_words; `units`: {column: its unit}), and the
    pair's columns listed under covariates.pair_columns (never covariates of the analysis)."""
    merged = merge_settings(config, config["analyses"][analysis] or {})
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
