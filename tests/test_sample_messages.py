"""Messages about the analytic sample say what is wrong with it, not what fails downstream."""

from pathlib import Path

import pytest
import yaml
from conftest import REPO
from ingest_tables import BASELINE, VISITS, run
from interplay.data.flow import build_analysis_dataset
from interplay.errors import InputError

# The primary settings of config.yaml, as the workflow passes them.
CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
OUTCOME, BIOMARKERS = CONFIG["outcome"], CONFIG["pair"]


def dataset_error(tmp_path: Path, baseline: dict, visits: dict = VISITS) -> InputError:
    """The InputError of building the analysis dataset from these exports."""
    cohort = run(tmp_path, baseline=baseline, visits=visits)
    with pytest.raises(InputError) as caught:
        build_analysis_dataset(cohort.baseline, cohort.visits, OUTCOME, BIOMARKERS)
    return caught.value


def test_constant_bdnf_is_named_with_its_value(tmp_path: Path) -> None:
    error = dataset_error(tmp_path, BASELINE | {"bdnf": ["21.5", "21.5", "21.5"]})
    assert error.column == "bdnf"
    # P3 has no rating after baseline, so two patients are analysed.
    assert "BDNF does not vary: all 2 patients" in error.problem
    assert "bdnf = 21.5 ng/mL" in error.problem and "modifier_scaled" not in error.message()


def test_il1b_all_below_the_limit_of_detection(tmp_path: Path) -> None:
    error = dataset_error(tmp_path, BASELINE | {"il1b": ["<0.1", "<0.1", "<0.1"]})
    assert error.column == "il1b" and "IL-1β does not vary" in error.problem
    assert "every value is below the limit of detection" in error.problem


def test_empty_sample_message_holds_the_flow(tmp_path: Path) -> None:
    baseline_visits_only = {"patient_id": ["P1", "P2", "P3"], "week": ["0", "0", "0"]}
    baseline_visits_only["hamd"] = ["20", "22", "19"]
    error = dataset_error(tmp_path, BASELINE, baseline_visits_only)
    assert "no patient is left in the analytic sample" in error.problem
    assert "Flow: enrolled 3; with_exposure_and_modifier 3; " in error.problem
    assert (
        "; with_post_baseline_hamd 0 (3 left: no HAMD rating after baseline up to week 12)"
        in error.problem
    )
    assert "flow table" not in error.message()
