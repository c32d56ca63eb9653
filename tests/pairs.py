"""The pair of the shipped config.yaml (IL-1β × BDNF), for tests that code a dataset by hand."""

from pathlib import Path

import yaml
from interplay.pair import pair_from_settings

CONFIG = yaml.safe_load((Path(__file__).parents[1] / "config.yaml").read_text(encoding="utf-8"))
DEFAULT_PAIR = pair_from_settings(CONFIG["pair"])
