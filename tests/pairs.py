"""The pair of the shipped config.yaml (IL-1β × BDNF), for tests that code a dataset by hand."""

from pathlib import Path

import yaml
from interplay.pair import pair_from_settings

CONFIG = yaml.safe_load((Path(__file__).parents[1] / "config.yaml").read_text(encoding="utf-8"))
DEFAULT_PAIR = pair_from_settings(CONFIG["pair"])

# A non-default pair: IL-6 (an extra column, with an LOD) by HADS anxiety at a fixed threshold.
IL6_HADS_SETTINGS = {
    "exposure": {
        "column": "il6", "label": "IL-6", "unit": "pg/mL", "kind": "biomarker",
        "transform": "log2", "split": "median", "threshold": None, "high_if": "at_or_above",
        "lod": 0.5,
    },
    "modifier": {
        "column": "hads_anxiety", "label": "HADS anxiety", "unit": None, "kind": "scale",
        "transform": "none", "split": "threshold", "threshold": 12, "high_if": "at_or_above",
        "lod": None,
    },
}  # fmt: skip
IL6_HADS = pair_from_settings(IL6_HADS_SETTINGS, {"hads_anxiety": "points"})
