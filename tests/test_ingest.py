"""Tests for ingesting valid input: a user's headers and codes, file formats, below-LOD values,
warnings and the synthetic cohort. Input errors are in test_ingest_errors.py."""

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from ingest_tables import (
    BASELINE,
    DICTIONARY,
    LODS,
    PATIENTS,
    REPO,
    SCHEDULE,
    VISITS,
    changed,
    run,
    subdirectory,
    write_table,
)
from interplay.data.ingest import ingest_cohort
from interplay.synthetic.cohort import simulate_cohort, write_cohort

# Valid input -------------------------------------------------------------------------------------


def test_valid_tables_keep_values_with_our_types(tmp_path: Path) -> None:
    cohort = run(tmp_path)
    baseline, visits = cohort.baseline, cohort.visits
    assert baseline["patient_id"].tolist() == PATIENTS
    assert baseline["age"].tolist() == [40.0, 55.5, 70.0]
    assert baseline["sex"].tolist() == ["female", "male", "female"]
    assert list(baseline["sex"].cat.categories) == ["female", "male"]
    flags = ["il1b_below_lod", "bdnf_below_lod"]
    assert baseline[flags].dtypes.tolist() == ["int64", "int64"]
    assert baseline[flags].values.sum() == 0
    assert pd.api.types.is_string_dtype(baseline["patient_id"])
    numeric = baseline.drop(columns=["patient_id", "sex", *flags])
    assert (numeric.dtypes == "float64").all()
    assert visits.dtypes.to_dict() == {
        "patient_id": baseline["patient_id"].dtype,
        "week": "int64",
        "hamd": "float64",
    }
    assert visits[["patient_id", "week"]].values.tolist() == [
        ["P1", 0], ["P1", 3], ["P2", 0], ["P2", 12], ["P3", 0],
    ]  # fmt: skip
    assert cohort.warnings.empty
    assert list(cohort.warnings.columns) == ["table", "column", "check", "n_affected", "message"]


def test_optional_columns_may_be_absent_and_extra_columns_are_dropped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    baseline = BASELINE | {"living_alone": ["1", "0", ""], "ward": ["A", "B", "C"]}
    with caplog.at_level(logging.INFO):
        cohort = run(tmp_path, baseline=baseline)
    assert cohort.baseline["living_alone"].tolist()[:2] == [1.0, 0.0]
    assert pd.isna(cohort.baseline["living_alone"].iloc[2])
    assert "religious" not in cohort.baseline.columns
    assert "ward" not in cohort.baseline.columns
    assert "ward" in caplog.text


def test_missing_value_spellings_and_spreadsheet_ids(tmp_path: Path) -> None:
    baseline = BASELINE | {"patient_id": ["1.0", "2", "P3"], "sofas": ["NA", ".", " "]}
    visits = VISITS | {"patient_id": ["1", "1", "2.0", "2", "P3"]}
    cohort = run(tmp_path, baseline=baseline, visits=visits)
    assert cohort.baseline["patient_id"].tolist() == ["1", "2", "P3"]
    assert cohort.baseline["sofas"].isna().all()


def test_below_lod_text_gives_nan_and_indicator(tmp_path: Path) -> None:
    baseline = BASELINE | {"il1b": ["<0.10", "< 0.1", "<LOD"]}
    cohort = run(tmp_path, baseline=baseline)
    assert cohort.baseline["il1b"].isna().all()
    assert cohort.baseline["il1b_below_lod"].tolist() == [1, 1, 1]
    assert cohort.baseline["il1b_below_lod"].dtype == "int64"
    # Below-LOD values are measured, so they do not count as missing in the warnings.
    assert cohort.warnings.empty


def test_unmeasured_biomarker_is_missing_not_below_lod(tmp_path: Path) -> None:
    cohort = run(tmp_path, baseline=changed(BASELINE, "il1b", 0, ""))
    assert pd.isna(cohort.baseline.loc[0, "il1b"])
    assert cohort.baseline.loc[0, "il1b_below_lod"] == 0


HOSPITAL_CONFIG = """
columns:
  baseline: {patient_id: ID, age: Age (years), sex: Gender, unmarried: Married, il1b: IL1B_pgml}
  visits: {patient_id: ID, week: Visit, hamd: HDRS17}
codes:
  sex: {M: male, F: female}
  unmarried: {Y: 0, N: 1}
  unemployed: {yes: 1, no: 0}
  week: {baseline: 0}
  sofas: {-9: null}
"""


def test_hospital_headers_and_codes_map_onto_ours(tmp_path: Path) -> None:
    config = yaml.safe_load(HOSPITAL_CONFIG)
    # YAML reads the unquoted yes/no keys as booleans; they must still match the text in the file.
    assert True in config["codes"]["unemployed"]
    renames = {"patient_id": "ID", "age": "Age (years)", "sex": "Gender", "unmarried": "Married"}
    baseline = {renames.get(name, name): cells for name, cells in BASELINE.items()}
    baseline |= {
        "Gender": ["F", "m", "F"],
        "Married": ["Y", "N", "y"],
        "sofas": ["-9", "55", "-9.0"],
    }
    baseline |= {"unemployed": ["Yes", "no", "NO"], "IL1B_pgml": baseline.pop("il1b")}
    visits = {"ID": VISITS["patient_id"], "Visit": ["baseline", "3", "0", "12", "Baseline"]}
    visits |= {"HDRS17": VISITS["hamd"]}
    cohort = run(tmp_path, baseline=baseline, visits=visits, **config)
    reference = run(subdirectory(tmp_path, "ours"))  # our own headers and codes
    out = cohort.baseline
    assert out["sex"].tolist() == ["female", "male", "female"]
    assert out["unmarried"].tolist() == [0.0, 1.0, 0.0]
    assert out["unemployed"].tolist() == [1.0, 0.0, 0.0]
    assert out["sofas"].isna().tolist() == [True, False, True]
    assert out["il1b"].tolist() == reference.baseline["il1b"].tolist()
    pd.testing.assert_frame_equal(cohort.visits, reference.visits)


@pytest.mark.parametrize("female", [2, "2", 2.0])
def test_numeric_codes_match_whatever_their_spelling(tmp_path: Path, female: object) -> None:
    baseline = BASELINE | {"sex": ["2", "1.0", " 2 "]}
    cohort = run(tmp_path, baseline=baseline, codes={"sex": {1: "male", female: "female"}})
    assert cohort.baseline["sex"].tolist() == ["female", "male", "female"]


def test_reversed_binary_codes_take_priority_over_ours(tmp_path: Path) -> None:
    # A file with "married" coded 1 maps onto unmarried = 0, even though 1 is also one of our codes.
    cohort = run(tmp_path, codes={"unmarried": {1: 0, 0: 1}})
    assert cohort.baseline["unmarried"].tolist() == [1.0, 0.0, 1.0]


@pytest.mark.parametrize(
    ("suffix", "delimiter"), [(".tsv", "\t"), (".csv.gz", ","), (".tsv.gz", "\t")]
)
def test_tsv_and_gzip_read_like_csv(tmp_path: Path, suffix: str, delimiter: str) -> None:
    baseline = write_table(tmp_path / f"b{suffix}", BASELINE, delimiter)
    visits = write_table(tmp_path / f"v{suffix}", VISITS, delimiter)
    cohort = ingest_cohort(baseline, visits, DICTIONARY, {}, {}, SCHEDULE, lods=LODS)
    reference = run(subdirectory(tmp_path, "ours"))
    pd.testing.assert_frame_equal(cohort.baseline, reference.baseline)
    pd.testing.assert_frame_equal(cohort.visits, reference.visits)


def test_byte_order_mark_and_blank_lines_are_ignored(tmp_path: Path) -> None:
    text = write_table(tmp_path / "plain.csv", BASELINE).read_text(encoding="utf-8")
    header, *rows = text.splitlines()
    path = tmp_path / "excel.csv"
    path.write_text("\ufeff" + header + "\n\n" + "\n".join(rows) + "\n,,,\n\n", encoding="utf-8")
    visits = write_table(tmp_path / "visits.csv", VISITS)
    cohort = ingest_cohort(path, visits, DICTIONARY, {}, {}, SCHEDULE, lods=LODS)
    assert cohort.baseline["patient_id"].tolist() == PATIENTS


# Warnings ---------------------------------------------------------------------------------------


def many_patients(il1b: list[str]) -> tuple[dict, dict]:
    """Baseline and week-0 visits for len(il1b) patients that share P1's other values."""
    ids = [f"P{i}" for i in range(1, len(il1b) + 1)]
    baseline = {name: cells[:1] * len(ids) for name, cells in BASELINE.items()}
    visits = {"patient_id": ids, "week": ["0"] * len(ids), "hamd": ["20"] * len(ids)}
    return baseline | {"patient_id": ids, "il1b": il1b}, visits


@pytest.mark.parametrize(
    ("n_missing", "limit", "warned"),
    [(0, 0.20, False), (1, 0.20, False), (2, 0.20, True), (2, 0.50, False), (5, 0.90, True)],
)
def test_missing_fraction_warning(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    n_missing: int,
    limit: float,
    warned: bool,
) -> None:
    baseline, visits = many_patients(["1"] * 5)
    baseline["sofas"] = [""] * n_missing + ["50"] * (5 - n_missing)  # 1 of 5 is exactly 0.20
    with caplog.at_level(logging.WARNING):
        cohort = run(tmp_path, baseline=baseline, visits=visits, warn_missing_fraction=limit)
    expected = [("baseline", "sofas", "missing_fraction", n_missing)] if warned else []
    assert cohort.warnings.iloc[:, :4].values.tolist() == [list(row) for row in expected]
    assert (f"{n_missing} of 5 values missing" in caplog.text) == warned


@pytest.mark.parametrize(
    ("largest", "ratio", "warned"),
    [
        ("499", 10, False),
        ("501", 10, True),
        ("249", 5, False),
        ("251", 5, True),
        ("900", 10, True),
    ],
)
def test_biomarker_outlier_warning(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    largest: str,
    ratio: float,
    warned: bool,
) -> None:
    # Values 1..50 plus one larger value x: the 99th percentile taken at an observed value (sorted
    # index floor(0.99 × 50) = 49) is 50, so the warning level is ratio × 50. Interpolating would
    # give 50 + 0.5 (x - 50), and x = 900 would hide itself (475 × 10 > 900).
    values = [str(value) for value in range(1, 51)] + [largest]
    assert np.percentile(np.array(values, dtype=float), 99, method="lower") == 50
    baseline, visits = many_patients(values)
    with caplog.at_level(logging.WARNING):
        cohort = run(tmp_path, baseline=baseline, visits=visits, warn_outlier_ratio=ratio)
    outliers = cohort.warnings[cohort.warnings["check"] == "outlier"]
    if warned:
        summary = outliers[["table", "column", "n_affected"]].values.tolist()
        assert summary == [["baseline", "il1b", 1]]
        assert "P51" not in outliers["message"].iloc[0] and "P51" in caplog.text
        detail = cohort.warnings_by_patient
        assert detail[["table", "column", "check", "patient_id"]].values.tolist() == [
            ["baseline", "il1b", "outlier", "P51"]
        ]
        assert float(detail["value"].iloc[0]) == float(largest)
    else:
        assert outliers.empty
        assert cohort.warnings_by_patient.empty


def test_unrated_visit_is_dropped_with_a_warning(tmp_path: Path) -> None:
    cohort = run(tmp_path, visits=changed(VISITS, "hamd", 1, ""))
    assert cohort.visits[["patient_id", "week"]].values.tolist() == [
        ["P1", 0], ["P2", 0], ["P2", 12], ["P3", 0],
    ]  # fmt: skip
    assert cohort.warnings[["table", "column", "check", "n_affected"]].values.tolist() == [
        ["visits", "hamd", "unrated_visit", 1]
    ]
    detail = cohort.warnings_by_patient
    assert detail[["check", "patient_id", "week"]].values.tolist() == [["unrated_visit", "P1", 3]]
    assert pd.isna(detail["value"].iloc[0])


# The synthetic cohort ---------------------------------------------------------------------------


def test_synthetic_cohort_ingests(tmp_path: Path) -> None:
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    synthetic = simulate_cohort()
    paths = [tmp_path / "baseline.csv", tmp_path / "visits.csv", tmp_path / "truth.json"]
    write_cohort(synthetic, *paths)
    ingested = ingest_cohort(
        paths[0],
        paths[1],
        DICTIONARY,
        config["data"]["columns"],
        config["data"]["codes"],
        config["outcome"]["schedule"],
        **config["validation"],
        lods=LODS,
    )
    assert ingested.baseline["patient_id"].tolist() == synthetic.baseline["patient_id"].tolist()
    assert len(ingested.visits) == synthetic.visits["hamd"].notna().sum()
    below_lod = synthetic.baseline["il1b"].str.startswith("<").fillna(False).astype(int)
    assert ingested.baseline["il1b_below_lod"].tolist() == below_lod.tolist()
    assert ingested.warnings.empty
