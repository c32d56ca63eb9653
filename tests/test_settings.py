"""An analysis entry overrides exactly the primary settings it names."""

import yaml
from conftest import REPO
from interplay.jobs.settings import ANALYSIS_SECTIONS, analysis_settings, merge_settings

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))


def test_merge_replaces_leaves_and_keeps_siblings() -> None:
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 2}
    merged = merge_settings(base, {"a": {"y": [3]}})
    assert merged == {"a": {"x": 1, "y": [3]}, "b": 2}
    assert base == {"a": {"x": 1, "y": [1, 2]}, "b": 2}  # the base is not modified


def test_every_shipped_analysis_differs_from_primary_only_where_it_says() -> None:
    primary = analysis_settings(CONFIG, "primary")
    for name, overrides in CONFIG["analyses"].items():
        settings = analysis_settings(CONFIG, name)
        assert list(settings) == ANALYSIS_SECTIONS
        for section in ANALYSIS_SECTIONS:
            changed = {
                key
                for key, value in settings[section].items()
                if value != primary[section].get(key)
            }
            assert changed == set((overrides or {}).get(section, {})), (name, section)
