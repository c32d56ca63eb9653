"""The settings of one analysis: the primary configuration with that analysis's overrides."""

import copy
from collections.abc import Mapping
from typing import Any

# The config sections that define one analysis; entries of `analyses` override them.
ANALYSIS_SECTIONS = ["outcome", "biomarkers", "covariates", "missing_data", "models"]


def merge_settings(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """base with overrides merged in, recursively (lists and scalars are replaced)."""
    merged = copy.deepcopy(dict(base))
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_settings(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def analysis_settings(config: Mapping[str, Any], analysis: str) -> dict[str, Any]:
    """The sections of one analysis: the primary ones with its entry of `analyses` merged in."""
    merged = merge_settings(config, config["analyses"][analysis] or {})
    return {section: merged[section] for section in ANALYSIS_SECTIONS}
