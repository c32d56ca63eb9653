"""A non-default pair through the data stage: IL-6 (an extra biomarker with <LOD cells) × HADS
anxiety ≥ 12, a binary modifier, and the checks; every expected value derived by hand."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from ingest_tables import DICTIONARY
from interplay.covariates import adjustment_covariates
from interplay.data.biomarkers import CODING_COLUMNS, assay_limits, log_outliers, require_groups
from interplay.data.dictionary import column_units
from interplay.data.extra_columns import with_extra_columns
from interplay.data.flow import LEADING_COLUMNS, build_analysis_dataset
from interplay.describe.table1 import table1, table1_variables
from interplay.errors import InputError
from interplay.jobs.config_checks import ConfigError, check_pair_settings
from interplay.jobs.settings import analysis_settings, merge_settings
from interplay.pair import pair_from_settings
from pairs import CONFIG
from test_outcome import OUTCOME, cohort

IL6 = {"type": "biomarker", "unit": "pg/mL", "min": 0, "plausible_min": 0.01, "plausible_max": 1000}
PAIR = merge_settings(
    CONFIG["pair"],
    {
        "exposure": {"column": "il6", "label": "IL-6", "unit": "pg/mL", "lod": 1.0},
        "modifier": {
            "column": "hads_anxiety",
            "label": "HADS anxiety",
            "unit": "points",
            "kind": "scale",
            "transform": "none",
            "split": "threshold",
            "threshold": 12,
        },
        "below_lod": "lod_half",
    },
)


def il6_cohort() -> tuple[pd.DataFrame, pd.DataFrame]:
    """test_outcome's ten patients (P10 … P01) with IL-6 and HADS anxiety values.

    P06 has no IL-6; P03's IL-6 is written <0.8 (its own limit, not the configured 1.0).
    P07 (no visits) and P08 (baseline only) leave as there.
    """
    baseline, visits = cohort()
    baseline = baseline.assign(
        il6=[2.0, 3.0, 4.0, 5.0, np.nan, 7.0, 8.0, np.nan, 10.0, 11.0],
        il6_below_lod=[0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
        il6_lod=[np.nan] * 7 + [0.8, np.nan, np.nan],
        hads_anxiety=[14.0, 11, 12, 13, 9, 12, 8, 15, 10, 12],
    )
    return baseline, visits


def test_il6_by_hads_anxiety_flow_dataset_and_codings() -> None:
    result = build_analysis_dataset(*il6_cohort(), OUTCOME, PAIR)
    flow = result.flow.set_index("stage")
    assert flow["excluded"].to_dict() == {
        "enrolled": 0,
        "with_exposure_and_modifier": 1,  # P06; P03 below the LOD counts as measured
        "with_baseline_hamd": 1,
        "with_post_baseline_hamd": 1,
    }
    assert flow.loc["with_exposure_and_modifier", "reason"] == (
        "no baseline IL-6 or HADS anxiety value"
    )
    data = result.dataset.set_index("patient_id")
    # HADS anxiety is a covariate column already; IL-6 comes with its LOD columns.
    assert list(result.dataset.columns) == [
        *LEADING_COLUMNS,
        "il6",
        "il6_below_lod",
        "il6_lod",
        *CODING_COLUMNS,
    ]
    assert list(data.index) == ["P01", "P02", "P03", "P04", "P05", "P09", "P10"]
    # P03: its written limit 0.8, halved (lod_half).
    assert data.loc["P03", "il6"] == pytest.approx(0.4)
    assert data.loc["P03", "il6_lod"] == 0.8
    # IL-6 11, 10, 0.4, 8, 7, 3, 2: median 7, high strictly above it.
    assert data["exposure_high"].tolist() == [1, 1, 0, 1, 0, 0, 0]
    assert data["exposure_scaled"].tolist() == pytest.approx(
        [math.log2(v) for v in (11, 10, 0.4, 8, 7, 3, 2)]
    )
    # HADS anxiety 12, 10, 15, 8, 12, 11, 14: high at or above 12; `none` keeps the points.
    assert data["modifier_high"].tolist() == [1, 0, 1, 0, 1, 0, 1]
    assert data["modifier_scaled"].tolist() == [12, 10, 15, 8, 12, 11, 14]
    assert (data["modifier"] == data["hads_anxiety"]).all()


def test_il6_by_hads_anxiety_cutpoints() -> None:
    cuts = build_analysis_dataset(*il6_cohort(), OUTCOME, PAIR).cutpoints
    rows = [tuple(row) for row in cuts[["role", "column", "coding", "cut", "value", "unit"]].values]
    # Tertiles (type 7, n = 7): sorted positions 2 and 4 of 0.4, 2, 3, 7, 8, 10, 11 and of
    # 8, 10, 11, 12, 12, 14, 15.
    assert rows == [
        ("exposure", "il6", "below_lod", "lod", 0.8, "pg/mL"),
        ("exposure", "il6", "below_lod", "substitute", 0.4, "pg/mL"),
        ("exposure", "il6", "median", "median", 7.0, "pg/mL"),
        ("exposure", "il6", "tertiles", "tertile_1", 3.0, "pg/mL"),
        ("exposure", "il6", "tertiles", "tertile_2", 8.0, "pg/mL"),
        ("modifier", "hads_anxiety", "threshold", "threshold", 12.0, "points"),
        ("modifier", "hads_anxiety", "tertiles", "tertile_1", 11.0, "points"),
        ("modifier", "hads_anxiety", "tertiles", "tertile_2", 12.0, "points"),
    ]
    assert cuts["n_patients"].iloc[0] == 1


def test_lod_and_outlier_stages_name_the_pair() -> None:
    settings = {**PAIR, "below_lod": "exclude", "outlier_z": 3}
    flow = build_analysis_dataset(*il6_cohort(), OUTCOME, settings).flow.set_index("stage")
    assert flow.loc["exposure_above_lod", "excluded"] == 1  # P03
    assert flow.loc["exposure_above_lod", "reason"] == (
        "IL-6 below the limit of detection (pair.below_lod: exclude)"
    )
    # Only the biomarker's log is screened, not the HADS anxiety scale.
    assert flow.loc["without_outliers", "reason"] == "|z| of log IL-6 above 3 (pair.outlier_z)"


def test_a_binary_modifier_is_its_own_split() -> None:
    baseline, visits = il6_cohort()
    settings = merge_settings(
        PAIR,
        {
            "modifier": {
                "column": "unmarried",
                "label": "Unmarried",
                "unit": "",
                "kind": "binary",
                "split": "binary",
            }
        },
    )
    result = build_analysis_dataset(baseline, visits, OUTCOME, settings)
    data = result.dataset
    assert data["modifier_high"].tolist() == data["unmarried"].tolist()
    assert "modifier" not in set(result.cutpoints["role"])  # no median, no tertiles of a 0/1
    pair = pair_from_settings(settings)
    groups = table1(data, pair, "biomarker_group", variables=["age"])["group"].unique()
    assert list(groups) == [
        "Overall",
        "IL-6 low / Unmarried no",
        "IL-6 low / Unmarried yes",
        "IL-6 high / Unmarried no",
        "IL-6 high / Unmarried yes",
    ]


@pytest.mark.parametrize(
    ("changes", "cells", "words"),
    [
        ({"modifier": {"kind": "binary", "split": "binary"}}, {}, "must be 0 or 1"),
        ({}, {"il6": 0.0}, "must be > 0 under pair.exposure.transform: log2"),
        ({"modifier": {"transform": "log2"}}, {"hads_anxiety": 0.0}, "HADS anxiety must be > 0"),
        ({}, {"hads_anxiety": 12.0}, "HADS anxiety does not vary"),
    ],
)
def test_values_the_coding_cannot_take_are_input_errors(changes, cells, words) -> None:
    baseline, visits = il6_cohort()
    for column, value in cells.items():
        baseline[column] = baseline[column].where(baseline["patient_id"] != "P01", value)
        if column == "hads_anxiety" and value == 12.0:
            baseline[column] = value
    with pytest.raises(InputError, match=words) as caught:
        build_analysis_dataset(baseline, visits, OUTCOME, merge_settings(PAIR, changes))
    assert caught.value.column in ("il6", "hads_anxiety")


def test_table1_rows_and_groups_come_from_the_pair() -> None:
    pair = pair_from_settings(PAIR)
    variables = table1_variables(pair)
    assert variables[-2:] == ["il6", "il6_below_lod"]
    assert variables.count("hads_anxiety") == 1  # a covariate keeps its one row
    data = build_analysis_dataset(*il6_cohort(), OUTCOME, PAIR).dataset
    table = table1(data, pair, "biomarker_group")
    groups = list(table["group"].unique())
    assert groups[1:] == [
        "IL-6 low / HADS anxiety < 12",
        "IL-6 low / HADS anxiety ≥ 12",
        "IL-6 high / HADS anxiety < 12",
        "IL-6 high / HADS anxiety ≥ 12",
    ]
    # IL-6 is a biomarker with a median (7) below 10: two decimals.
    values = np.array([11, 10, 0.4, 8, 7, 3, 2])
    overall = table.loc[(table["variable"] == "il6") & (table["group"] == "Overall")]
    expected = f"{values.mean():.2f} ± {values.std(ddof=1):.2f}"
    assert overall["statistic"].iloc[0] == expected


def config_with(pair: dict, analyses: dict | None = None) -> dict:
    """The shipped config with another primary pair (and analyses), IL-6 declared."""
    config = merge_settings(CONFIG, {"pair": pair, "data": {"extra_columns": {"il6": IL6}}})
    config["analyses"] = analyses or {"primary": {}}
    return config


def test_labels_units_and_covariates_of_the_analysis_settings() -> None:
    config = config_with(
        {
            "exposure": {"column": "il6", "label": None, "unit": None, "lod": 1.0},
            "modifier": {"column": "hads_anxiety", "label": "HADS anxiety", "unit": None},
        }
    )
    units = column_units(with_extra_columns(DICTIONARY, config["data"]["extra_columns"]))
    settings = analysis_settings(config, "primary", units)
    pair = pair_from_settings(settings["pair"])
    assert (pair.exposure.label, pair.exposure.unit) == ("il6", "pg/mL")
    assert pair.modifier.label_with_unit == "HADS anxiety (points)"
    covariates = settings["covariates"]
    named = covariates["sets"][covariates["adjustment_set"]]
    assert "hads_anxiety" in named
    chosen = adjustment_covariates(covariates)
    assert chosen == [c for c in named if c != "hads_anxiety"]
    assert assay_limits([settings["pair"]]) == {"il6": {"lod": 1.0, "setting": "pair.exposure.lod"}}


def test_age_as_modifier_is_not_a_paper_candidate() -> None:
    data = build_analysis_dataset(*il6_cohort(), OUTCOME, PAIR).dataset
    pair = pair_from_settings(PAIR)
    by_outcome = table1(data, pair, "outcome")
    everything = adjustment_covariates(
        {"adjustment_set": "paper", "paper_p": 1.01, "sets": {}}, by_outcome
    )
    without_age = adjustment_covariates(
        {"adjustment_set": "paper", "paper_p": 1.01, "sets": {}, "pair_columns": ["age"]},
        by_outcome,
    )
    assert "age" in everything and without_age == [c for c in everything if c != "age"]


@pytest.mark.parametrize(
    ("pair", "key", "words"),
    [
        ({"exposure": {"column": "il7"}}, "pair.exposure.column", "'il7' is not a baseline"),
        ({"modifier": {"column": "il1b"}}, "pair.modifier.column", "the same column"),
        (
            {"exposure": {"column": "il6"}, "modifier": {"column": "il6"}},
            "pair.modifier.column",
            "same",
        ),
        (
            {"modifier": {"split": "threshold", "threshold": None}},
            "pair.modifier.threshold",
            "threshold is not set",
        ),
        (
            {"modifier": {"kind": "binary", "split": "binary"}, "coding": "tertiles"},
            "pair.coding",
            "is binary",
        ),
        ({"modifier": {"kind": "binary"}}, "pair.modifier.split", "kind binary but split median"),
        ({"modifier": {"split": "binary"}}, "pair.modifier.kind", "kind biomarker but split bin"),
        (
            {"modifier": {"kind": "binary", "split": "binary", "transform": "log2"}},
            "pair.modifier.transform",
            "log2 of 0",
        ),
        ({"modifier": {"column": "sex"}}, "pair.modifier.column", "a category has no order"),
        ({"modifier": {"column": "treatment_step"}}, "pair.modifier.column", "after baseline"),
        ({"modifier": {"column": "hamd_baseline"}}, "pair.modifier.column", "not supported"),
        ({"modifier": {"unit": "pg/mL"}}, "pair.modifier.unit", "are in ng/mL"),
    ],
)
def test_pair_settings_are_checked_before_any_job(pair, key, words) -> None:
    config = config_with(merge_settings(CONFIG["pair"], {"modifier": {"column": "bdnf"}} | {}))
    config["pair"] = merge_settings(config["pair"], pair)
    known = with_extra_columns(DICTIONARY, config["data"]["extra_columns"])
    with pytest.raises(ConfigError, match=words) as caught:
        check_pair_settings(config, known)
    assert caught.value.key == key


def test_an_analysis_pair_error_names_the_analysis_key() -> None:
    config = config_with(
        CONFIG["pair"], {"primary": {}, "il7": {"pair": {"exposure": {"column": "il7"}}}}
    )
    known = with_extra_columns(DICTIONARY, config["data"]["extra_columns"])
    with pytest.raises(ConfigError) as caught:
        check_pair_settings(config, known)
    assert caught.value.key == "analyses.il7.pair.exposure.column"
    check_pair_settings(config_with(CONFIG["pair"]), known)  # the shipped pair passes


def test_only_the_analyses_that_run_have_their_pair_checked() -> None:
    binary = {"modifier": {"column": "unemployed", "kind": "binary", "split": "binary"}}
    config = config_with(
        merge_settings(CONFIG["pair"], binary),
        {"primary": {}, "tertiles": {"pair": {"coding": "tertiles"}}},
    )
    known = with_extra_columns(DICTIONARY, config["data"]["extra_columns"])
    check_pair_settings({**config, "run": ["primary"]}, known)
    with pytest.raises(ConfigError, match="is binary") as caught:
        check_pair_settings({**config, "run": "all"}, known)
    assert caught.value.key == "analyses.tertiles.pair.coding"


def test_a_column_with_an_lod_in_one_analysis_needs_it_in_every_one() -> None:
    # IL-1β has lod 0.1 in primary; as the modifier of another analysis it would have none.
    config = config_with(
        CONFIG["pair"],
        {
            "primary": {},
            "il6_il1b": {"pair": {"exposure": {"column": "il6"}, "modifier": {"column": "il1b"}}},
        },
    )
    known = with_extra_columns(DICTIONARY, config["data"]["extra_columns"])
    with pytest.raises(ConfigError, match=r"il1b has lod 0\.1 in analysis primary but no lod") as e:
        check_pair_settings(config, known)
    assert e.value.key == "analyses.il6_il1b.pair.modifier.lod"
    config["analyses"]["il6_il1b"]["pair"]["modifier"]["lod"] = 0.1
    check_pair_settings(config, known)


def test_a_threshold_in_the_wrong_unit_is_refused_with_the_group_sizes() -> None:
    # HADS anxiety of the 7 analytic patients is 8 … 15: none is at or above 120.
    pair = merge_settings(PAIR, {"modifier": {"threshold": 120}})
    with pytest.raises(InputError, match=r"< 120: 7, ≥ 120: 0 patients") as caught:
        build_analysis_dataset(*il6_cohort(), OUTCOME, pair)
    assert caught.value.column == "pair.modifier.threshold"


def test_a_tied_median_split_is_refused() -> None:
    # 6 of the 7 analytic patients have HADS anxiety 15 (the median): none is above it.
    baseline, visits = il6_cohort()
    baseline["hads_anxiety"] = [15.0] * 9 + [8.0]
    pair = merge_settings(PAIR, {"modifier": {"split": "median"}})
    with pytest.raises(InputError, match=r"low: 7, high: 0 patients") as caught:
        build_analysis_dataset(baseline, visits, OUTCOME, pair)
    assert caught.value.column == "pair.modifier.split"


def test_an_empty_tertile_is_refused() -> None:
    coded = pd.DataFrame({"exposure_tertile": [1, 2, 3], "modifier_tertile": [1, 1, 3]})
    with pytest.raises(InputError, match=r"T1: 2, T2: 0, T3: 1 patients") as caught:
        require_groups(coded, pair_from_settings(PAIR), "tertiles")
    assert caught.value.column == "pair.coding"
    require_groups(coded.assign(modifier_tertile=[1, 2, 3]), pair_from_settings(PAIR), "tertiles")


def test_a_binary_variable_under_log2_and_an_infinite_value_are_refused() -> None:
    baseline, visits = il6_cohort()
    baseline["unemployed"] = [0, 1] * 5
    binary = {"column": "unemployed", "kind": "binary", "split": "binary", "transform": "log2"}
    # 0/1 passes the binary check; log2 of its zeros is checked as well.
    with pytest.raises(InputError, match=r"must be > 0 under pair.modifier.transform: log2"):
        build_analysis_dataset(
            baseline, visits, OUTCOME, merge_settings(PAIR, {"modifier": binary})
        )
    baseline["hads_anxiety"] = baseline["hads_anxiety"].replace(14.0, np.inf)
    with pytest.raises(InputError, match="must be finite") as caught:
        build_analysis_dataset(baseline, visits, OUTCOME, PAIR)
    assert caught.value.column == "hads_anxiety"


def test_log_outliers_refuse_a_biomarker_value_at_or_below_zero() -> None:
    data = pd.DataFrame({"patient_id": ["A", "B", "C"], "il6": [0.0, 1.0, 2.0]})
    data["hads_anxiety"] = [1.0, 2.0, 3.0]
    with pytest.raises(InputError, match="1 value") as caught:
        log_outliers(data, pair_from_settings(PAIR), 3.0)
    assert caught.value.ids == ["A"]


def test_the_another_column_example_of_docs_pair_works_as_written() -> None:
    text = (Path(__file__).parents[1] / "docs" / "pair.md").read_text(encoding="utf-8")
    example = text.split("### Another column", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    config = config_with(CONFIG["pair"], {"primary": {}, **yaml.safe_load(example)["analyses"]})
    known = with_extra_columns(DICTIONARY, config["data"]["extra_columns"])
    check_pair_settings(config, known)
    settings = analysis_settings(config, "by_age", column_units(known))
    modifier = pair_from_settings(settings).modifier
    assert (modifier.label, modifier.unit, modifier.kind, modifier.lod) == (
        "Age",
        "years",
        "scale",
        None,
    )
    assert modifier.scale_words == "per year of Age"
    assert modifier.contrast == "Age ≥ 60 vs < 60"
