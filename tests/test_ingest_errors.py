"""One test per input error: each message names the file, the column, the patients and a fix."""

import gzip
from pathlib import Path

import pytest
from ingest_tables import (
    BASELINE,
    DICTIONARY,
    PATIENTS,
    SCHEDULE,
    VISITS,
    assert_reported,
    changed,
    failure,
    write_table,
)
from interplay.data.ingest import ingest_cohort
from interplay.errors import InputError

# Errors: files ----------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    visits = write_table(tmp_path / "visits.csv", VISITS)
    with pytest.raises(InputError) as caught:
        ingest_cohort(tmp_path / "absent.csv", visits, DICTIONARY, {}, {}, SCHEDULE)
    assert caught.value.file == str(tmp_path / "absent.csv")
    assert "does not exist" in str(caught.value) and "data.baseline" in caught.value.fix


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("zero_bytes.csv", b""),
        ("blank_lines.csv", b"\n\n"),
        ("header_only.csv", b"patient_id,week,hamd\n"),
        ("zero_bytes.csv.gz", b""),
        ("empty_inside.csv.gz", gzip.compress(b"")),
    ],
)
def test_empty_file(tmp_path: Path, name: str, content: bytes) -> None:
    baseline = write_table(tmp_path / "baseline.csv", BASELINE)
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError) as caught:
        ingest_cohort(baseline, tmp_path / name, DICTIONARY, {}, {}, SCHEDULE)
    assert caught.value.file == str(tmp_path / name)
    assert "empty" in caught.value.problem or "no data rows" in caught.value.problem


def test_unsupported_file_type(tmp_path: Path) -> None:
    (tmp_path / "baseline.ods").write_bytes(b"PK")
    with pytest.raises(InputError) as caught:
        ingest_cohort(tmp_path / "baseline.ods", tmp_path / "v.csv", DICTIONARY, {}, {}, SCHEDULE)
    assert caught.value.file == str(tmp_path / "baseline.ods")
    for suffix in (".csv", ".tsv", ".xlsx", ".xls", ".sav", ".dta", ".sas7bdat", ".xpt"):
        assert suffix in caught.value.fix


def test_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "visits.csv"
    path.write_text("patient_id,week,hamd\nP1,0,20\nP2,0,2,2\n", encoding="utf-8")
    baseline = write_table(tmp_path / "baseline.csv", BASELINE)
    with pytest.raises(InputError) as caught:
        ingest_cohort(baseline, path, DICTIONARY, {}, {}, SCHEDULE)
    assert caught.value.file == str(path)
    assert "line 3" in caught.value.problem and "quoted" in caught.value.fix


# Errors: columns --------------------------------------------------------------------------------


def test_missing_required_column(tmp_path: Path) -> None:
    baseline = {name: cells for name, cells in BASELINE.items() if name != "sofas"}
    error = failure(tmp_path, baseline=baseline)
    assert error.file.endswith("baseline.csv") and error.column == "sofas"
    assert "header 'sofas'" in error.problem and "hads_anxiety" in error.problem  # headers found
    assert "data: {columns: {baseline: {sofas: <your header>}}}" in error.fix


def test_missing_column_suggests_a_similar_header(tmp_path: Path) -> None:
    baseline = {"Episode_Duration" if name == "episode_duration_months" else name: cells
                for name, cells in BASELINE.items()}  # fmt: skip
    error = failure(tmp_path, baseline=baseline)
    assert error.column == "episode_duration_months"
    assert "{baseline: {episode_duration_months: Episode_Duration}}" in error.fix


def test_missing_mapped_column_names_the_users_header(tmp_path: Path) -> None:
    error = failure(tmp_path, columns={"visits": {"hamd": "HDRS"}})
    assert error.file.endswith("visits.csv") and error.column == "HDRS (our hamd)"
    assert "header 'HDRS'" in error.problem and "data.columns.visits.hamd" in error.problem
    assert "columns: {visits: {hamd: <your header>}}" in error.fix


def test_repeated_header(tmp_path: Path) -> None:
    path = tmp_path / "visits.csv"
    path.write_text("patient_id,week,hamd,hamd\nP1,0,20,21\n", encoding="utf-8")
    baseline = write_table(tmp_path / "baseline.csv", BASELINE)
    with pytest.raises(InputError, match="same header") as caught:
        ingest_cohort(baseline, path, DICTIONARY, {}, {}, SCHEDULE)
    assert caught.value.file == str(path) and caught.value.column == "hamd"


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"columns": {"baseline": {"agee": "Age"}}}, "agee"),
        ({"columns": {"baseline": {"age": "X", "sofas": "X"}}}, "age -> 'X'"),
        ({"columns": {"visit": {}}}, "visit"),
        ({"codes": {"gender": {"M": "male"}}}, "gender"),
        ({"codes": {"patient_id": {"1": "A"}}}, "patient_id"),
        ({"codes": {"sex": "M=male"}}, "sex"),
        ({"codes": {"sex": {"M": "man"}}}, "'man'"),
        ({"schedule": [3, 6, 12]}, "outcome.schedule"),
    ],
)
def test_invalid_configuration(tmp_path: Path, settings: dict, named: str) -> None:
    error = failure(tmp_path, **settings)
    assert named in error.problem and error.fix


# Errors: values ---------------------------------------------------------------------------------


def test_missing_patient_id(tmp_path: Path) -> None:
    error = failure(tmp_path, visits=changed(VISITS, "patient_id", 3, ""))
    assert error.file.endswith("visits.csv") and error.column == "patient_id"
    assert "file line(s) 5" in error.problem and "patient_id" in error.fix


def test_duplicate_patient_ids(tmp_path: Path) -> None:
    error = failure(tmp_path, baseline=changed(BASELINE, "patient_id", 2, "P1"))
    assert_reported(
        error, "baseline.csv", "patient_id", ["P1"], "more than one row", "keep one row"
    )


def test_duplicate_visits(tmp_path: Path) -> None:
    error = failure(tmp_path, visits=changed(VISITS, "week", 1, "0.0"))
    assert_reported(error, "visits.csv", "week", ["P1"], "patient_id and week")


def test_non_numeric_text(tmp_path: Path) -> None:
    baseline = BASELINE | {"hads_anxiety": ["ten", "12", "1,5"]}
    error = failure(tmp_path, baseline=baseline)
    assert_reported(error, "baseline.csv", "hads_anxiety", ["P1", "P3"], "'ten', '1,5'", "-9: null")


def test_non_numeric_text_names_the_users_header(tmp_path: Path) -> None:
    renamed = changed(BASELINE, "age", 1, "55y").items()
    baseline = {"Age" if name == "age" else name: cells for name, cells in renamed}
    error = failure(tmp_path, baseline=baseline, columns={"baseline": {"age": "Age"}})
    assert_reported(error, "baseline.csv", "Age (our age)", ["P2"], "'55y'")


def test_fraction_in_integer_column(tmp_path: Path) -> None:
    error = failure(tmp_path, baseline=changed(BASELINE, "previous_episodes", 2, "1.5"))
    assert_reported(error, "baseline.csv", "previous_episodes", ["P3"], "whole numbers")


@pytest.mark.parametrize("value", ["53", "-1"])
def test_hamd_outside_scale(tmp_path: Path, value: str) -> None:
    error = failure(tmp_path, visits=changed(VISITS, "hamd", 3, value))
    assert_reported(error, "visits.csv", "hamd", ["P2"], f"'{value}'", "0–52")


@pytest.mark.parametrize(("column", "value"), [("il1b", "0"), ("bdnf", "-2.5"), ("il1b", "0.000")])
def test_biomarker_not_positive(tmp_path: Path, column: str, value: str) -> None:
    baseline = changed(changed(BASELINE, column, 1, value), column, 0, "<0.10")
    error = failure(tmp_path, baseline=baseline)
    assert_reported(error, "baseline.csv", column, ["P2"], f"'{value}'", "> 0")


@pytest.mark.parametrize("value", ["17", "100.5"])
def test_age_outside_range(tmp_path: Path, value: str) -> None:
    error = failure(tmp_path, baseline=changed(BASELINE, "age", 0, value))
    assert_reported(error, "baseline.csv", "age", ["P1"], f"'{value}'", "18–100 years")


@pytest.mark.parametrize(
    ("column", "value", "allowed"),
    [("education_years", "31", "0–30"), ("sofas", "-5", "0–100"), ("treatment_step", "5", "1–4")],
)
def test_any_value_outside_dictionary_range(
    tmp_path: Path, column: str, value: str, allowed: str
) -> None:
    baseline = BASELINE | {column: ["1", "1", "1"]}
    error = failure(tmp_path, baseline=changed(baseline, column, 2, value))
    assert_reported(error, "baseline.csv", column, ["P3"], f"'{value}'", allowed)


def test_week_not_in_schedule(tmp_path: Path) -> None:
    error = failure(tmp_path, visits=changed(VISITS, "week", 3, "8"))
    assert_reported(error, "visits.csv", "week", ["P2"], "[0, 3, 6, 9, 12]: 8", "outcome.schedule")


def test_missing_week(tmp_path: Path) -> None:
    error = failure(tmp_path, visits=changed(VISITS, "week", 1, ""))
    assert_reported(error, "visits.csv", "week", ["P1"], "missing")


def test_visits_of_patients_not_in_baseline(tmp_path: Path) -> None:
    visits = {name: [*cells, cells[-1]] for name, cells in VISITS.items()}
    visits = changed(changed(visits, "patient_id", 5, "P9"), "patient_id", 4, "p3")
    error = failure(tmp_path, visits=visits)
    assert_reported(error, "visits.csv", "patient_id", ["p3", "P9"], "baseline.csv", "add these")


def test_unknown_category_code(tmp_path: Path) -> None:
    baseline = BASELINE | {"sex": ["F", "M", "F"]}
    error = failure(tmp_path, baseline=baseline)
    assert_reported(error, "baseline.csv", "sex", PATIENTS, "'F', 'M'", "female, male")
    assert "data.codes: {sex: {F: <female|male>, M: <female|male>}}" in error.fix


def test_unknown_binary_code(tmp_path: Path) -> None:
    error = failure(tmp_path, baseline=changed(BASELINE, "low_income", 1, "2"))
    assert_reported(
        error, "baseline.csv", "low_income", ["P2"], "(0, 1)", "data.codes: {low_income"
    )


def test_more_than_five_offending_patients_are_summarised(tmp_path: Path) -> None:
    ids = [f"P{i}" for i in range(1, 9)]
    baseline = {name: cells[:1] * 8 for name, cells in BASELINE.items()} | {"patient_id": ids}
    baseline |= {"age": ["200"] * 7 + ["40"]}
    visits = {"patient_id": ids, "week": ["0"] * 8, "hamd": ["20"] * 8}
    error = failure(tmp_path, baseline=baseline, visits=visits)
    assert_reported(error, "baseline.csv", "age", ids[:7])
    assert "P1, P2, P3, P4, P5 (and 2 more)" in error.message()
