"""Outcome derivation and the analysis-dataset flow, against hand-derived answers on tiny tables."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from interplay.data.flow import build_analysis_dataset, exclusion_stages
from interplay.data.outcome import check_outcome_settings, derive_outcome
from interplay.errors import InputError

OUTCOME = {
    "definition": "remission",
    "remission_threshold": 7,
    "response_reduction": 0.5,
    "week": 12,
    "schedule": [0, 3, 6, 9, 12],
    "window_weeks": 0,
    "missing_rule": "locf",
    "missing_baseline": "exclude",
}
BIOMARKERS = {
    **yaml.safe_load((Path(__file__).parents[1] / "config.yaml").read_text(encoding="utf-8"))[
        "pair"
    ],
    "below_lod": "lod_sqrt2",
    "coding": "split",
    "require_both": True,
    "outlier_z": None,
}


def visits_from(ratings: dict[str, dict[int, float]]) -> pd.DataFrame:
    """A long visits table from {patient: {week: hamd}}."""
    rows = [(pid, week, hamd) for pid, by_week in ratings.items() for week, hamd in by_week.items()]
    table = pd.DataFrame(rows, columns=["patient_id", "week", "hamd"])
    return table.astype({"patient_id": "str", "week": int, "hamd": float})


# A completes; B leaves after week 6 on exactly the threshold; C halves exactly; D has only a
# baseline; E has unrated rows (NaN) at weeks 3 and 12; F has no baseline rating.
VISITS = visits_from(
    {
        "A": {0: 20, 3: 15, 6: 10, 9: 8, 12: 6},
        "B": {0: 22, 3: 18, 6: 7},
        "C": {0: 18, 3: 12, 6: 10, 9: 9, 12: 9},
        "D": {0: 25},
        "E": {0: 20, 3: np.nan, 6: 12, 12: np.nan},
        "F": {3: 16, 12: 5},
    }
)


def column(result: pd.DataFrame, name: str) -> list:
    """One column as a list, <NA> and NaN both as None, in patient order."""
    values = result.set_index("patient_id")[name]
    return [None if pd.isna(v) else v for v in values]


def test_locf_outcome_by_hand():
    result = derive_outcome(VISITS, OUTCOME)
    assert list(result["patient_id"]) == ["A", "B", "C", "D", "E", "F"]
    assert column(result, "hamd_baseline") == [20, 22, 18, 25, 20, None]
    assert column(result, "last_visit_week") == [12, 6, 12, None, 6, 12]
    assert column(result, "completer") == [1, 0, 1, 0, 0, 1]
    assert column(result, "hamd_outcome") == [6, 7, 9, None, 12, 5]
    assert column(result, "remission") == [1, 1, 0, None, 0, 1]
    # Reductions: 14/20, 15/22, 9/18 = 0.5 exactly, -, 8/20, no baseline.
    assert column(result, "response") == [1, 1, 1, None, 0, None]
    assert column(result, "outcome") == column(result, "remission")


def test_completers_rule_drops_carried_values():
    result = derive_outcome(VISITS, {**OUTCOME, "missing_rule": "completers"})
    assert column(result, "hamd_outcome") == [6, None, 9, None, None, 5]
    assert column(result, "remission") == [1, None, 0, None, None, 1]
    assert column(result, "completer") == [1, 0, 1, 0, 0, 1]


def test_threshold_comes_from_settings():
    result = derive_outcome(VISITS, {**OUTCOME, "remission_threshold": 6})
    assert column(result, "remission") == [1, 0, 0, None, 0, 1]


def test_outcome_week_comes_from_settings():
    result = derive_outcome(VISITS, {**OUTCOME, "week": 6})
    # Ratings after week 6 are ignored; F has none up to week 6 apart from week 3.
    assert column(result, "last_visit_week") == [6, 6, 6, None, 6, 3]
    assert column(result, "completer") == [1, 1, 1, 0, 1, 0]
    assert column(result, "hamd_outcome") == [10, 7, 10, None, 12, 16]
    assert column(result, "remission") == [0, 1, 0, None, 0, 0]


def test_response_definition_and_exact_fraction_boundary():
    visits = visits_from({"X": {0: 10, 12: 7}, "Y": {0: 10, 12: 8}})
    settings = {**OUTCOME, "definition": "response", "response_reduction": 0.3}
    result = derive_outcome(visits, settings)
    # 3/10 = 0.3 is a response; 2/10 is not (0.3 * 10 > 3 in floating point would miss X).
    assert column(result, "response") == [1, 0]
    assert column(result, "outcome") == [1, 0]


def test_duplicate_rating_is_an_input_error():
    visits = visits_from({"A": {0: 20, 12: 6}})
    doubled = pd.concat([visits, visits.iloc[[1]]], ignore_index=True)
    with pytest.raises(InputError, match="more than one HAMD rating") as caught:
        derive_outcome(doubled, OUTCOME)
    assert caught.value.ids == ["A"]


def test_unknown_missing_rule_is_an_input_error():
    with pytest.raises(InputError, match="missing_rule"):
        derive_outcome(VISITS, {**OUTCOME, "missing_rule": "mice"})


# --- analysis dataset and flow -----------------------------------------------------------------

EXPECTED_COLUMNS = [
    "patient_id",
    "age",
    "sex",
    "education_years",
    "unmarried",
    "living_alone",
    "religious",
    "unemployed",
    "low_income",
    "hads_anxiety",
    "sofas",
    "episode_duration_months",
    "previous_episodes",
    "physical_disorders",
    "treatment_step",
    "hamd_baseline",
    "last_visit_week",
    "completer",
    "hamd_outcome",
    "remission",
    "response",
    "outcome",
    "il1b",
    "il1b_below_lod",
    "il1b_lod",
    "bdnf",
    "exposure",
    "modifier",
    "exposure_scaled",
    "modifier_scaled",
    "exposure_high",
    "modifier_high",
    "exposure_tertile",
    "modifier_tertile",
]


def cohort() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ten patients, listed out of order, with one reason to leave each flow stage.

    P09 has no BDNF, P10 no IL-1β (not below the LOD); P07 has no visits (so no baseline HAMD),
    P08 only a baseline;
    P06 and P05 leave after week 6 (non-completers); P03 is below the IL-1β LOD; P01 has an
    extreme BDNF.
    """
    ids = [f"P{i:02d}" for i in range(10, 0, -1)]
    n = len(ids)
    baseline = pd.DataFrame(
        {
            "patient_id": pd.Series(ids, dtype="str"),
            "age": np.linspace(30, 70, n),
            "sex": ["female", "male"] * (n // 2),
            "education_years": 9.0,
            "unmarried": [0, 1] * (n // 2),
            "unemployed": 0,
            "low_income": 1,
            "hads_anxiety": 10.0,
            "sofas": 50.0,
            "episode_duration_months": 6.0,
            "previous_episodes": 1,
            "physical_disorders": 2,
            "il1b": [np.nan, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, np.nan, 1.2, 1.3],
            "il1b_below_lod": [0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
            "il1b_lod": np.nan,  # P03 written <LOD
            "bdnf": [20.0, np.nan, 21, 22, 23, 24, 25, 26, 27, 400],
        }
    )
    week12 = {"P01": 5, "P02": 6, "P03": 12, "P04": 15}
    ratings = {pid: {0: 20, 3: 15, 6: 10, 12: hamd} for pid, hamd in week12.items()}
    ratings |= {"P05": {0: 20, 3: 12, 6: 4}, "P06": {0: 20, 6: 14}, "P08": {0: 20}}
    ratings |= {"P09": {0: 20, 12: 3}, "P10": {0: 20, 12: 3}}
    return baseline, visits_from(ratings)


def flow_rows(flow: pd.DataFrame) -> list[tuple[str, int, int]]:
    """(stage, n, excluded) of every flow row."""
    return list(zip(flow["stage"], flow["n"], flow["excluded"], strict=True))


def test_primary_flow_counts_and_dataset_layout():
    baseline, visits = cohort()
    result = build_analysis_dataset(baseline, visits, OUTCOME, BIOMARKERS)
    assert flow_rows(result.flow) == [
        ("enrolled", 10, 0),
        ("with_exposure_and_modifier", 8, 2),
        ("with_baseline_hamd", 7, 1),
        ("with_post_baseline_hamd", 6, 1),
    ]
    assert list(result.flow.columns) == ["stage", "n", "excluded", "reason"]
    data = result.dataset
    assert list(data.columns) == EXPECTED_COLUMNS
    assert list(data["patient_id"]) == ["P01", "P02", "P03", "P04", "P05", "P06"]
    # Remission with LOCF: 5, 6, 12, 15, 4 (carried from week 6), 14 (carried).
    assert list(data["outcome"]) == [1, 1, 0, 0, 1, 0]
    assert list(data["completer"]) == [1, 1, 1, 1, 0, 0]
    assert data["living_alone"].isna().all() and data["treatment_step"].isna().all()
    below = data.set_index("patient_id").loc["P03"]
    assert below["il1b"] == pytest.approx(math.sqrt(0.1**2 / 2))
    assert below["exposure_scaled"] == pytest.approx(math.log(0.1 / math.sqrt(2), 2))


def test_every_optional_stage_in_order():
    baseline, visits = cohort()
    outcome = {**OUTCOME, "missing_rule": "completers"}
    biomarkers = {**BIOMARKERS, "below_lod": "exclude", "outlier_z": 1.5}
    result = build_analysis_dataset(baseline, visits, outcome, biomarkers)
    # Completers: P01-P04; P03 is below the LOD. With three patients no |z| can exceed
    # (n - 1)/√n = 1.155 (Shiffler 1988), so no one leaves at outlier_z 1.5.
    assert flow_rows(result.flow) == [
        ("enrolled", 10, 0),
        ("with_exposure_and_modifier", 8, 2),
        ("with_baseline_hamd", 7, 1),
        ("with_post_baseline_hamd", 6, 1),
        ("completers", 4, 2),
        ("exposure_above_lod", 3, 1),
        ("without_outliers", 3, 0),
    ]
    assert list(result.dataset["patient_id"]) == ["P01", "P02", "P04"]


def test_outlier_stage_uses_log_z_of_the_current_sample():
    baseline, visits = cohort()
    # P01-P06 reach the outlier stage. By hand, z = (x - mean) / sd (ddof 1) of the logs:
    # P01 has the extreme BDNF (400), P03 the substituted IL-1β (0.1/√2).
    log_bdnf = np.log([400, 27, 26, 25, 24, 23])
    log_il1b = np.log([1.3, 1.2, 0.1 / math.sqrt(2), 1.0, 0.9, 0.8])
    z_p01 = (log_bdnf[0] - log_bdnf.mean()) / log_bdnf.std(ddof=1)
    z_p03 = abs(log_il1b[2] - log_il1b.mean()) / log_il1b.std(ddof=1)
    assert z_p03 < z_p01  # the limits below sit between, under and over the two
    expected = {(z_p03 + z_p01) / 2: ["P03"], z_p03 - 0.1: [], z_p01 + 0.1: ["P01", "P03"]}
    for limit, kept_of_two in expected.items():
        settings = {**BIOMARKERS, "outlier_z": limit}
        result = build_analysis_dataset(baseline, visits, OUTCOME, settings)
        kept = set(result.dataset["patient_id"])
        assert {"P01", "P03"} & kept == set(kept_of_two)
        assert flow_rows(result.flow)[-1] == ("without_outliers", len(kept), 6 - len(kept))


def test_without_require_both_the_stage_is_absent_and_codings_missing():
    baseline, visits = cohort()
    result = build_analysis_dataset(
        baseline, visits, OUTCOME, {**BIOMARKERS, "require_both": False}
    )
    stages = [row[0] for row in flow_rows(result.flow)]
    assert stages == ["enrolled", "with_baseline_hamd", "with_post_baseline_hamd"]
    data = result.dataset.set_index("patient_id")
    assert len(data) == 8
    assert pd.isna(data.loc["P09", "modifier_high"]) and pd.isna(
        data.loc["P10", "exposure_tertile"]
    )
    assert data.loc["P09", "exposure_high"] in (0, 1)


def test_empty_analytic_sample_is_an_input_error():
    baseline, visits = cohort()
    baseline_only = visits.loc[visits["week"] == 0]
    with pytest.raises(InputError, match="no patient is left"):
        build_analysis_dataset(baseline, baseline_only, OUTCOME, BIOMARKERS)


def test_outcome_without_events_is_an_input_error():
    baseline, visits = cohort()
    with pytest.raises(InputError, match="no remission events"):
        build_analysis_dataset(baseline, visits, {**OUTCOME, "remission_threshold": 2}, BIOMARKERS)


def test_response_with_a_zero_baseline_rating_is_an_input_error():
    baseline, visits = cohort()
    zero = visits["patient_id"].eq("P02") & visits["week"].eq(0)
    visits.loc[zero, "hamd"] = 0
    with pytest.raises(InputError, match="response is undefined") as caught:
        build_analysis_dataset(baseline, visits, {**OUTCOME, "definition": "response"}, BIOMARKERS)
    assert caught.value.ids == ["P02"]


def test_missing_required_column_is_an_input_error():
    baseline, visits = cohort()
    with pytest.raises(InputError, match="bdnf") as caught:
        build_analysis_dataset(baseline.drop(columns="bdnf"), visits, OUTCOME, BIOMARKERS)
    assert caught.value.file == "baseline"


def test_the_missing_column_error_lists_every_missing_column_and_says_where_to_map_them():
    baseline, visits = cohort()
    with pytest.raises(InputError) as caught:
        build_analysis_dataset(baseline.drop(columns=["age", "bdnf"]), visits, OUTCOME, BIOMARKERS)
    assert caught.value.problem.startswith("the baseline table lacks column(s) ")
    assert {"age", "bdnf"} == set(caught.value.problem.split(") ")[1].split(", "))
    assert caught.value.column in {"age", "bdnf"}
    assert "data.columns.baseline" in caught.value.fix


# --- Outcomes at week 52 and in a sub-cohort (outcome.among)
LONG_SCHEDULE = [0, 3, 6, 9, 12, 24, 36, 52]
WEEK52 = {**OUTCOME, "week": 52, "schedule": LONG_SCHEDULE, "relapse_threshold": 14}
AMONG_RESPONDERS = {"definition": "response", "week": 12}
RELAPSE = {**WEEK52, "definition": "relapse", "among": AMONG_RESPONDERS}
SUSTAINED_RESPONSE = {**WEEK52, "definition": "response", "among": AMONG_RESPONDERS}


def long_cohort() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ten patients of `cohort` followed to week 52; P07-P10 leave as there.

    Week-12 responders (HAMD at most 10 of a baseline 20): P01 reaches 15 at week 36 and 9 at
    week 52; P02 stays below 14 but ends at 13; P03 reaches exactly 14 at week 24 and leaves;
    P06 stays well. P04 is not responding at week 12 (15) and remits later; P05 responds by LOCF
    from week 9 but has no rating after week 12.
    """
    baseline, _ = cohort()
    ratings = {
        "P01": {0: 20, 12: 8, 24: 10, 36: 15, 52: 9},
        "P02": {0: 20, 12: 6, 24: 5, 52: 13},
        "P03": {0: 20, 12: 10, 24: 14},
        "P04": {0: 20, 12: 15, 24: 5, 52: 4},
        "P05": {0: 20, 9: 8},
        "P06": {0: 20, 12: 2, 24: 3, 36: 2, 52: 1},
        "P08": {0: 20},
        "P09": {0: 20, 12: 3},
        "P10": {0: 20, 12: 3},
    }
    return baseline, visits_from(ratings)


def test_week52_remission_carries_the_last_visit_up_to_week_52():
    baseline, visits = long_cohort()
    result = build_analysis_dataset(baseline, visits, WEEK52, BIOMARKERS)
    assert [row[0] for row in flow_rows(result.flow)][-1] == "with_post_baseline_hamd"
    # HAMD at week 52 (LOCF): 9, 13, 14 (week 24), 4, 8 (week 9), 1.
    assert list(result.dataset["hamd_outcome"]) == [9, 13, 14, 4, 8, 1]
    assert list(result.dataset["outcome"]) == [0, 0, 0, 1, 0, 1]
    assert list(result.dataset["last_visit_week"]) == [52, 52, 24, 52, 9, 52]


def test_relapse_among_week12_responders_by_hand():
    baseline, visits = long_cohort()
    result = build_analysis_dataset(baseline, visits, RELAPSE, BIOMARKERS)
    assert flow_rows(result.flow) == [
        ("enrolled", 10, 0),
        ("with_exposure_and_modifier", 8, 2),
        ("with_baseline_hamd", 7, 1),
        ("with_post_baseline_hamd", 6, 1),
        ("responding_at_week_12", 5, 1),
        ("rated_after_week_12", 4, 1),
    ]
    reasons = result.flow.set_index("stage")["reason"]
    assert reasons["responding_at_week_12"] == "not responding at week 12"
    assert reasons["rated_after_week_12"] == "no HAMD rating after week 12 up to week 52"
    left = result.exclusions.set_index("patient_id")["stage"]
    assert left["P04"] == "responding_at_week_12" and left["P05"] == "rated_after_week_12"
    # Worst rating after week 12: 15, 13, 14 (the threshold itself), 3.
    assert list(result.dataset["patient_id"]) == ["P01", "P02", "P03", "P06"]
    assert list(result.dataset["outcome"]) == [1, 0, 1, 0]
    assert list(result.dataset.columns) == EXPECTED_COLUMNS


def test_sustained_response_is_the_week52_response_of_week12_responders():
    baseline, visits = long_cohort()
    result = build_analysis_dataset(baseline, visits, SUSTAINED_RESPONSE, BIOMARKERS)
    # Reductions at week 52 (LOCF): 11/20, 7/20, 6/20 (week 24), 19/20.
    assert list(result.dataset["patient_id"]) == ["P01", "P02", "P03", "P06"]
    assert list(result.dataset["outcome"]) == [1, 0, 0, 1]


def test_relapse_under_completers_keeps_those_rated_at_week_52():
    baseline, visits = long_cohort()
    result = build_analysis_dataset(
        baseline, visits, {**RELAPSE, "missing_rule": "completers"}, BIOMARKERS
    )
    # The earlier outcome follows the same rule: P05 (no week-12 rating) is not a responder.
    assert flow_rows(result.flow)[-3:] == [
        ("responding_at_week_12", 4, 2),
        ("rated_after_week_12", 4, 0),
        ("completers", 3, 1),
    ]
    assert list(result.dataset["outcome"]) == [1, 0, 0]


def test_sub_cohort_of_remitters_names_its_stage():
    outcome = {**RELAPSE, "among": {"definition": "remission", "week": 12}}
    stage = exclusion_stages(outcome, BIOMARKERS)[3]
    assert (stage.name, stage.reason) == (
        "in_remission_at_week_12",
        "not in remission at week 12",
    )


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ({**WEEK52, "definition": "relapse", "among": None}, "names no sub-cohort"),
        ({**RELAPSE, "among": {"definition": "response", "week": 52}}, "before"),
        ({**RELAPSE, "among": {"definition": "response", "week": 10}}, "before"),
        ({**RELAPSE, "among": {"definition": "relapse", "week": 12}}, "among.definition"),
        (
            {**RELAPSE, "among": {"definition": "remission", "week": 12}, "relapse_threshold": 7},
            "not above",
        ),
    ],
)
def test_an_impossible_sub_cohort_is_an_input_error(outcome, message):
    with pytest.raises(InputError, match=message):
        check_outcome_settings(outcome)
