"""Visit windows, baseline HAMD from either table, the outcome week against the schedule, and
the patient-level exclusions file: each as a user's export or configuration would hit it."""

import csv
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from conftest import copy_workflow, run_snakemake
from ingest_tables import BASELINE, DICTIONARY, SCHEDULE, VISITS, failure, run, write_table
from interplay.data.flow import build_analysis_dataset
from interplay.data.ingest import IngestedCohort, ingest_cohort
from interplay.data.outcome import check_analysis_outcomes, check_outcome_settings
from interplay.errors import InputError
from interplay.synthetic.cohort import simulate_cohort, write_cohort

REPO = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
OUTCOME = CONFIG["outcome"]
BIOMARKERS = {key: value for key, value in CONFIG["pair"].items() if key != "coding"}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The default synthetic cohort as the CSV files the workflow writes."""
    directory = tmp_path_factory.mktemp("synthetic")
    paths = directory / "baseline.csv", directory / "visits.csv", directory / "truth.json"
    write_cohort(simulate_cohort(), *paths)
    return paths[0], paths[1]


def ingest(baseline: Path, visits: Path, **settings: Any) -> IngestedCohort:
    """Ingest two files with the shipped configuration, unless settings say otherwise."""
    arguments = {
        "columns": CONFIG["data"]["columns"],
        "codes": CONFIG["data"]["codes"],
        "schedule": OUTCOME["schedule"],
        **CONFIG["validation"],
    }
    return ingest_cohort(baseline, visits, DICTIONARY, **(arguments | settings))


def analysis_dataset(cohort: IngestedCohort, **outcome: Any) -> pd.DataFrame:
    """The analysis dataset of an ingested cohort under the shipped settings."""
    return build_analysis_dataset(
        cohort.baseline, cohort.visits, OUTCOME | outcome, BIOMARKERS
    ).dataset


def rewrite_visits(source: Path, destination: Path, week: Any) -> Path:
    """Copy a visits CSV with each row's week replaced by week(patient_id, week), via csv."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["week"] = week(row["patient_id"], int(row["week"]))
    with destination.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return destination


def warning(cohort: IngestedCohort, check: str) -> pd.Series:
    """The one warning row of this check."""
    rows = cohort.warnings.loc[cohort.warnings["check"] == check]
    assert len(rows) == 1, cohort.warnings
    return rows.iloc[0]


# Visit windows -----------------------------------------------------------------------------------


def test_week_12_recorded_as_13_in_a_window_gives_the_clean_analysis_dataset(
    synthetic: tuple[Path, Path], tmp_path: Path
) -> None:
    baseline, visits = synthetic
    late = rewrite_visits(visits, tmp_path / "visits.csv", lambda _, w: "13" if w == 12 else w)
    clean = ingest(baseline, visits)
    windowed = ingest(baseline, late, window_weeks=1)
    pd.testing.assert_frame_equal(analysis_dataset(windowed), analysis_dataset(clean))
    n_week12 = int((clean.visits["week"] == 12).sum())
    remapped = warning(windowed, "visit_window")
    assert remapped["n_affected"] == n_week12 > 800
    assert f"{n_week12} at week 12" in remapped["message"]
    assert "window_duplicate" not in set(windowed.warnings["check"])


def test_days_divided_by_seven_map_onto_the_schedule(
    synthetic: tuple[Path, Path], tmp_path: Path
) -> None:
    # A database export in days since baseline, divided by 7: visits 0-3 days late (or early).
    baseline, visits = synthetic
    offsets = {0: 0, 3: 2, 6: -3, 9: 1, 12: 3}
    days = rewrite_visits(
        visits, tmp_path / "visits.csv", lambda _, w: str((7 * w + offsets[w]) / 7)
    )
    clean = ingest(baseline, visits)
    windowed = ingest(baseline, days, window_weeks=0.5)
    pd.testing.assert_frame_equal(analysis_dataset(windowed), analysis_dataset(clean))
    not_exact = int(clean.visits["week"].isin([3, 6, 9, 12]).sum())
    assert warning(windowed, "visit_window")["n_affected"] == not_exact


def test_an_off_schedule_week_suggests_the_window_and_following_it_works(tmp_path: Path) -> None:
    visits = VISITS | {"week": ["0", "3", "0", "13", "0"]}
    error = failure(tmp_path, visits=visits)
    assert error.file.endswith("visits.csv") and error.column == "week" and error.ids == ["P2"]
    assert "not in the visit schedule [0, 3, 6, 9, 12]: 13" in error.problem
    assert "set outcome: {window_weeks: 1} in config.yaml" in error.fix
    assert "instead would make them extra visits" in error.fix
    cohort = run(tmp_path, visits=visits, window_weeks=1)
    assert cohort.visits["week"].tolist() == [0, 3, 0, 12, 0]


def test_a_week_far_from_every_scheduled_week_must_be_corrected(tmp_path: Path) -> None:
    # 31 is week 3 mistyped: no window should be suggested for it, only for the near week 13.
    visits = VISITS | {"week": ["0", "31", "0", "13", "0"]}
    error = failure(tmp_path, visits=visits, window_weeks=0.5)
    assert error.ids == ["P1", "P2"]
    assert "not within 0.5 week(s) (outcome.window_weeks)" in error.problem
    assert "the weeks 13 are near a scheduled week" in error.fix and "window_weeks: 1}" in error.fix
    assert "correct the weeks 31 (no scheduled week within 1.5 weeks" in error.fix
    assert "add those weeks to outcome.schedule" in error.fix


def test_a_visit_just_outside_the_window_gets_the_window_it_needs(tmp_path: Path) -> None:
    error = failure(
        tmp_path, visits=VISITS | {"week": ["0", "4.43", "0", "12", "0"]}, window_weeks=1
    )
    assert error.ids == ["P1"] and "window_weeks: 1.43}" in error.fix
    assert run(tmp_path, visits=VISITS | {"week": ["0", "4.43", "0", "12", "0"]}, window_weeks=1.43)


def test_a_visit_halfway_between_scheduled_weeks_counts_at_the_earlier(tmp_path: Path) -> None:
    cohort = run(
        tmp_path, visits=VISITS | {"week": ["0", "4.5", "0", "10.5", "0"]}, window_weeks=1.5
    )
    assert cohort.visits["week"].tolist() == [0, 3, 0, 9, 0]
    assert "1 at week 3, 1 at week 9" in warning(cohort, "visit_window")["message"]


@pytest.mark.parametrize(
    ("weeks", "kept_hamd"),
    [(["12", "13"], 6.0), (["13", "12"], 7.0), (["11", "13"], 6.0), (["13", "11"], 7.0)],
)
def test_of_two_visits_in_one_window_the_nearer_then_the_earlier_is_kept(
    tmp_path: Path, weeks: list[str], kept_hamd: float
) -> None:
    visits = {
        "patient_id": ["P1", "P2", "P2", "P2", "P3"],
        "week": ["0", "0", *weeks, "0"],
        "hamd": ["20", "22", "6", "7", "19"],
    }
    cohort = run(tmp_path, visits=visits, window_weeks=1)
    p2 = cohort.visits.loc[cohort.visits["patient_id"] == "P2"]
    assert p2["week"].tolist() == [0, 12] and p2["hamd"].tolist()[1] == kept_hamd
    duplicate = warning(cohort, "visit_window_duplicate")
    assert duplicate["n_affected"] == 1 and "1 at week 12" in duplicate["message"]


def test_the_same_recorded_week_twice_is_still_a_duplicate_row(tmp_path: Path) -> None:
    visits = VISITS | {"week": ["0", "3", "0", "0", "0"]}
    error = failure(tmp_path, visits=visits, window_weeks=1)
    assert error.ids == ["P2"] and "more than one row" in error.problem


# Baseline HAMD -----------------------------------------------------------------------------------


def baseline_hamd_split(
    synthetic: tuple[Path, Path], tmp_path: Path, header: str, moved: float
) -> tuple[Path, Path]:
    """The synthetic tables with a share of week-0 ratings moved into a baseline-table column."""
    baseline = pd.read_csv(synthetic[0], dtype=str, keep_default_na=False)
    visits = pd.read_csv(synthetic[1], dtype=str, keep_default_na=False)
    week0 = visits.loc[visits["week"] == "0"].set_index("patient_id")["hamd"]
    moving = week0.index[: int(moved * len(week0))]
    moved_ratings = week0.loc[moving].to_dict()
    baseline[header] = [moved_ratings.get(pid, "") for pid in baseline["patient_id"]]
    visits = visits.loc[~(visits["week"].eq("0") & visits["patient_id"].isin(moving))]
    baseline.to_csv(tmp_path / "baseline.csv", index=False)
    visits.to_csv(tmp_path / "visits.csv", index=False)
    return tmp_path / "baseline.csv", tmp_path / "visits.csv"


@pytest.mark.parametrize("moved", [1.0, 0.5])
def test_baseline_hamd_from_a_mapped_baseline_column_gives_the_same_dataset(
    synthetic: tuple[Path, Path], tmp_path: Path, moved: float
) -> None:
    baseline, visits = baseline_hamd_split(synthetic, tmp_path, "HAMD_0", moved)
    columns = {"baseline": {"hamd_baseline": "HAMD_0"}, "visits": {}}
    split = ingest(baseline, visits, columns=columns)
    pd.testing.assert_frame_equal(analysis_dataset(split), analysis_dataset(ingest(*synthetic)))
    assert "hamd_baseline" not in split.baseline.columns
    assert not split.warnings["check"].str.contains("baseline_hamd").any()


def test_disagreeing_sources_warn_and_the_week_0_visit_wins(tmp_path: Path) -> None:
    baseline = BASELINE | {"hamd_baseline": ["20", "25", ""]}
    cohort = run(tmp_path, baseline=baseline)
    week0 = cohort.visits.loc[cohort.visits["week"] == 0].set_index("patient_id")["hamd"]
    assert week0.to_dict() == {"P1": 20.0, "P2": 22.0, "P3": 19.0}
    disagrees = warning(cohort, "baseline_hamd_disagrees")
    assert disagrees["n_affected"] == 1 and "largest difference 3 points" in disagrees["message"]
    assert "P2" not in disagrees["message"]


def test_a_baseline_column_value_out_of_range_is_an_error(tmp_path: Path) -> None:
    error = failure(tmp_path, baseline=BASELINE | {"hamd_baseline": ["20", "250", ""]})
    assert error.column == "hamd_baseline" and error.ids == ["P2"]


def without_baseline_rating(tmp_path: Path) -> IngestedCohort:
    """The small tables with P3's only visit, the week-0 one, unrated."""
    visits = VISITS | {"hamd": ["20", "15", "22", "6", ""]}
    return run(tmp_path, visits=visits)


def test_a_patient_without_baseline_rating_is_a_warning_not_a_stop(tmp_path: Path) -> None:
    cohort = without_baseline_rating(tmp_path)
    assert cohort.baseline["patient_id"].tolist() == ["P1", "P2", "P3"]
    assert warning(cohort, "no_baseline_hamd")["n_affected"] == 1


def baseline_cohort() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ingested-style tables of 40 patients; P00-P03 have no baseline HAMD."""
    ids = [f"P{i:02d}" for i in range(40)]
    baseline = pd.DataFrame(
        {
            "patient_id": ids,
            **{c: 1.0 for c in ["age", "education_years", "hads_anxiety", "sofas"]},
            "sex": ["female", "male"] * 20,
            **{c: 0 for c in ["unmarried", "unemployed", "low_income"]},
            **{c: 1 for c in ["episode_duration_months", "previous_episodes"]},
            "physical_disorders": 0,
            "il1b": [0.5 + i / 40 for i in range(40)],
            "il1b_below_lod": 0,
            "il1b_lod": float("nan"),
            "bdnf": [20 + (i * 7) % 40 for i in range(40)],
        }
    )
    rows = [(pid, 12, 4 + (i % 2) * 10) for i, pid in enumerate(ids)]
    rows += [(pid, 0, 20) for pid in ids[4:]]
    return baseline, pd.DataFrame(rows, columns=["patient_id", "week", "hamd"])


@pytest.mark.parametrize(
    ("outcome", "stays"),
    [
        ({}, False),
        ({"missing_baseline": "impute"}, True),
        ({"definition": "response"}, False),
        ({"definition": "response", "missing_baseline": "impute"}, False),
    ],
)
def test_missing_baseline_leaves_the_flow_unless_imputed_and_always_under_response(
    outcome: dict, stays: bool
) -> None:
    baseline, visits = baseline_cohort()
    result = build_analysis_dataset(baseline, visits, OUTCOME | outcome, BIOMARKERS)
    no_baseline = ["P00", "P01", "P02", "P03"]
    kept = result.dataset.set_index("patient_id")
    if stays:
        assert "with_baseline_hamd" not in set(result.flow["stage"])
        assert kept.loc[no_baseline, "hamd_baseline"].isna().all() and len(kept) == 40
        assert result.exclusions.empty
    else:
        stage = result.flow.set_index("stage").loc["with_baseline_hamd"]
        assert (stage["n"], stage["excluded"]) == (36, 4)
        assert "no baseline HAMD rating" in stage["reason"]
        assert result.exclusions["patient_id"].tolist() == no_baseline
        assert set(result.exclusions["stage"]) == {"with_baseline_hamd"}


# Outcome week ------------------------------------------------------------------------------------


def test_an_outcome_week_off_the_schedule_is_a_configuration_error() -> None:
    with pytest.raises(InputError) as caught:
        check_outcome_settings(OUTCOME | {"week": 10})
    error = caught.value
    assert error.column == "outcome.week" and "[0, 3, 6, 9, 12]" in error.problem
    assert "one of the post-baseline visit weeks [3, 6, 9, 12]" in error.fix


def test_an_analysis_overriding_the_outcome_week_is_checked_with_its_own_name() -> None:
    analyses = {"primary": OUTCOME, "week10": OUTCOME | {"week": 10}}
    with pytest.raises(InputError) as caught:
        check_analysis_outcomes(OUTCOME, analyses)
    assert caught.value.column == "analyses.week10.outcome.week"
    # The schedule can only be set at the top level, so the hint must point there.
    assert "add week 10 to outcome.schedule" in caught.value.fix


def test_an_analysis_may_not_change_how_visits_are_ingested() -> None:
    analyses = {"primary": OUTCOME, "wide": OUTCOME | {"window_weeks": 1}}
    with pytest.raises(InputError) as caught:
        check_analysis_outcomes(OUTCOME, analyses)
    assert caught.value.column == "analyses.wide.outcome.window_weeks"
    assert "top-level outcome section" in caught.value.fix


@pytest.mark.workflow
def test_the_outcome_week_is_checked_before_any_job_runs(tmp_path: Path) -> None:
    workdir = copy_workflow(tmp_path)
    config = CONFIG | {"analyses": {"primary": {}, "week10": {"outcome": {"week": 10}}}}
    (workdir / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run_snakemake(workdir, "--dry-run")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "analyses.week10.outcome.week is 10" in output and "[3, 6, 9, 12]" in output
    assert "Traceback" not in output and not (workdir / "results").exists()


# Who leaves the flow -----------------------------------------------------------------------------


def test_exclusions_name_every_patient_who_leaves_once_and_agree_with_the_flow(
    synthetic: tuple[Path, Path], tmp_path: Path
) -> None:
    baseline, visits = baseline_hamd_split(synthetic, tmp_path, "hamd_baseline", 0.0)
    measured = pd.read_csv(baseline, dtype=str).dropna(subset=["il1b", "bdnf"])["patient_id"]
    table = pd.read_csv(visits, dtype=str)
    drop = table["week"].eq("0") & table["patient_id"].isin(measured.iloc[:5])
    table.loc[~drop].to_csv(visits, index=False)
    cohort = ingest(baseline, visits)
    settings = BIOMARKERS | {"below_lod": "exclude", "outlier_z": 3}
    outcome = OUTCOME | {"missing_rule": "completers"}
    result = build_analysis_dataset(cohort.baseline, cohort.visits, outcome, settings)
    exclusions, flow = result.exclusions, result.flow.set_index("stage")
    assert list(exclusions.columns) == ["patient_id", "stage", "reason"]
    assert not exclusions["patient_id"].duplicated().any()
    everyone = set(cohort.baseline["patient_id"])
    assert set(exclusions["patient_id"]) | set(result.dataset["patient_id"]) == everyone
    assert not set(exclusions["patient_id"]) & set(result.dataset["patient_id"])
    counts = exclusions["stage"].value_counts()
    assert counts.to_dict() == flow.loc[flow["excluded"] > 0, "excluded"].to_dict()
    assert counts["with_baseline_hamd"] == 5 and len(counts) >= 5
    reasons = exclusions.drop_duplicates("stage").set_index("stage")["reason"]
    assert reasons.to_dict() == flow.loc[counts.index, "reason"].to_dict()


def test_fractional_weeks_of_a_small_export(tmp_path: Path) -> None:
    visits = VISITS | {"week": ["0.0", "2.71", "0.14", "12.43", "0"]}
    cohort = ingest_cohort(
        write_table(tmp_path / "b.csv", BASELINE),
        write_table(tmp_path / "v.csv", visits),
        DICTIONARY,
        {},
        {},
        SCHEDULE,
        window_weeks=1,
    )
    assert cohort.visits["week"].tolist() == [0, 3, 0, 12, 0]
    assert warning(cohort, "visit_window")["n_affected"] == 3


def test_many_distinct_off_schedule_weeks_are_listed_briefly(tmp_path: Path) -> None:
    # Days / 7 exports have a different week for almost every visit: five are shown.
    weeks = [f"{12 + day / 7:.4f}" for day in range(1, 8)]
    visits = {"patient_id": ["P1", *["P2"] * 7], "week": ["0", *weeks], "hamd": ["20"] * 8}
    error = failure(tmp_path, visits=visits)
    assert error.problem.endswith(": 12.1429, 12.2857, 12.4286, 12.5714, 12.7143 (and 2 more)")
    assert "window_weeks: 1}" in error.fix
