"""An analysis entry overrides exactly the primary settings it names."""

import json
import pickle
import re

import yaml
from conftest import REPO
from interplay.jobs.settings import (
    ANALYSIS_SECTIONS,
    VARIABLE_DEFAULTS,
    Settings,
    analysis_settings,
    first_of_equals,
    merge_settings,
    overlaid_pair_roles,
)

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


def test_settings_show_as_a_short_digest_that_follows_every_nested_value() -> None:
    primary = Settings(analysis_settings(CONFIG, "primary"))
    changed = analysis_settings(CONFIG, "primary")
    changed["models"]["ci_level"] = 0.9
    assert re.fullmatch(r"settings:[0-9a-f]{16}", repr(primary))
    assert repr(Settings(changed)) != repr(primary)
    reordered = Settings(dict(reversed(list(analysis_settings(CONFIG, "primary").items()))))
    assert repr(reordered) == repr(primary)
    assert str(primary) == str(dict(primary))  # messages and logs see the values


def test_settings_reach_a_job_whole() -> None:
    primary = Settings(analysis_settings(CONFIG, "primary"))
    received = pickle.loads(pickle.dumps(primary))  # how Snakemake hands params to a script
    assert received == analysis_settings(CONFIG, "primary")
    assert repr(received) == repr(primary)
    assert json.loads(json.dumps(received)) == received


def test_equal_keys_share_the_first_name_in_order() -> None:
    keys = {
        "primary": Settings(m=20, covariates=["age"]),
        "unadjusted": Settings(m=20, covariates=[]),
        "tertiles": Settings(m=20, covariates=["age"]),
        "by_step": Settings(m=20, covariates=[]),
        "own_m": Settings(m=5, covariates=["age"]),
    }
    assert first_of_equals(keys) == {
        "primary": "primary",
        "unadjusted": "unadjusted",
        "tertiles": "primary",
        "by_step": "unadjusted",
        "own_m": "own_m",
    }


def test_an_analysis_naming_another_column_starts_that_role_from_the_generic_defaults() -> None:
    config = merge_settings(CONFIG, {})
    config["analyses"]["by_age"] = {
        "pair": {"modifier": {"column": "age", "split": "threshold", "threshold": 60}}
    }
    pair = analysis_settings(config, "by_age", {"age": "years", "bdnf": "ng/mL"})["pair"]
    # Nothing of BDNF (label, unit, per_sd) carries over: label the column, the dictionary's unit.
    assert pair["modifier"] == {
        "column": "age",
        "label": "age",
        "unit": "years",
        "kind": "scale",
        "transform": "none",
        "split": "threshold",
        "threshold": 60,
        "high_if": "at_or_above",
        "lod": None,
    }
    assert pair["exposure"] == CONFIG["pair"]["exposure"]  # the other role is untouched
    # The same column again is an override of one key, not another variable.
    config["analyses"]["same"] = {"pair": {"modifier": {"column": "bdnf", "split": "threshold"}}}
    same = analysis_settings(config, "same")["pair"]["modifier"]
    assert same == {**CONFIG["pair"]["modifier"], "split": "threshold"}


def test_a_user_file_naming_another_column_rebuilds_only_that_role() -> None:
    user = {"pair": {"exposure": {"column": "il6", "lod": 0.2}, "modifier": {"label": "B"}}}
    sources = [("config.yaml", CONFIG), ("mine.yaml", user), ("--config", {"run": "all"})]
    assert overlaid_pair_roles(sources) == {
        "exposure": {**VARIABLE_DEFAULTS, "column": "il6", "lod": 0.2}
    }
    # config.yaml alone, or a file repeating its columns, rebuilds nothing.
    assert overlaid_pair_roles(sources[:1]) == {}
    assert overlaid_pair_roles([sources[0], ("again.yaml", CONFIG)]) == {}
