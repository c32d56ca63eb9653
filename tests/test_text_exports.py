"""Text exports as hospital systems write them: CP949 and UTF-16, semicolons with decimal commas,
visits in wide format and IDs with leading zeros. Each is the synthetic cohort written by pandas
in that format, and must give the same ingested tables and analysis dataset as the plain CSV."""

import csv
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import copy_workflow, run_snakemake
from ingest_tables import BASELINE, DICTIONARY, LODS, REPO, SCHEDULE, VISITS, changed, failure, run
from interplay.data.flow import build_analysis_dataset
from interplay.data.ingest import IngestedCohort, ReadSettings, ingest_cohort
from interplay.data.text_files import TextSettings
from interplay.errors import InputError
from interplay.synthetic.cohort import SyntheticCohort, simulate_cohort
from interplay.tables import read_table, write_table

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
KOREAN_NOTES = ["외래 환자", "입원 치료 중", "재발성 우울증", ""]


@pytest.fixture(scope="module")
def cohort() -> SyntheticCohort:
    """The default synthetic cohort, simulated once for this module."""
    return simulate_cohort()


@pytest.fixture(scope="module")
def reference(cohort: SyntheticCohort, tmp_path_factory: pytest.TempPathFactory) -> IngestedCohort:
    """The cohort ingested from plain UTF-8 CSV files, as the workflow writes them."""
    directory = tmp_path_factory.mktemp("reference")
    cohort.baseline.to_csv(directory / "baseline.csv", index=False)
    cohort.visits.to_csv(directory / "visits.csv", index=False)
    return ingest(directory / "baseline.csv", directory / "visits.csv")


def ingest(baseline: Path, visits: Path, **settings: object) -> IngestedCohort:
    """Ingest two files with the default configuration and the given data settings."""
    text = {
        key: settings.pop(key) for key in ["encoding", "separator", "decimal"] if key in settings
    }
    read = ReadSettings(text=TextSettings(**text), **settings)  # type: ignore[arg-type]
    return ingest_cohort(baseline, visits, DICTIONARY, {}, {}, SCHEDULE, lods=LODS, settings=read)


def analysis_dataset(ingested: IngestedCohort) -> pd.DataFrame:
    """The primary analysis dataset built from ingested tables."""
    return build_analysis_dataset(
        ingested.baseline, ingested.visits, CONFIG["outcome"], CONFIG["pair"]
    ).dataset


def assert_same_cohort(ingested: IngestedCohort, reference: IngestedCohort) -> None:
    """Both tables and the analysis dataset equal the reference's."""
    pd.testing.assert_frame_equal(ingested.baseline, reference.baseline)
    pd.testing.assert_frame_equal(ingested.visits, reference.visits)
    pd.testing.assert_frame_equal(analysis_dataset(ingested), analysis_dataset(reference))


def checks(ingested: IngestedCohort) -> list[list[object]]:
    """The warnings as [table, check, n_affected] rows."""
    return ingested.warnings[["table", "check", "n_affected"]].values.tolist()


def with_korean_notes(baseline: pd.DataFrame) -> pd.DataFrame:
    """The baseline table with a free-text Korean column, as a hospital export has."""
    notes = [KOREAN_NOTES[i % len(KOREAN_NOTES)] for i in range(len(baseline))]
    return baseline.assign(비고=notes)


# Encodings --------------------------------------------------------------------------------------


def test_cp949_export_is_detected_and_reported(
    cohort: SyntheticCohort, reference: IngestedCohort, tmp_path: Path
) -> None:
    baseline, visits = tmp_path / "baseline.csv", tmp_path / "visits.csv"
    with_korean_notes(cohort.baseline).to_csv(baseline, index=False, encoding="cp949")
    cohort.visits.to_csv(visits, index=False, encoding="cp949")
    with pytest.raises(UnicodeDecodeError):
        baseline.read_bytes().decode("utf-8")
    ingested = ingest(baseline, visits)
    assert_same_cohort(ingested, reference)
    # Only the baseline file has non-ASCII text; the ASCII visits file is valid UTF-8.
    assert checks(ingested) == [["baseline", "encoding_detected", len(cohort.baseline)]]
    assert "cp949" in ingested.warnings["message"].iloc[0]


def test_explicit_cp949_is_used_as_given(
    cohort: SyntheticCohort, reference: IngestedCohort, tmp_path: Path
) -> None:
    baseline, visits = tmp_path / "baseline.csv", tmp_path / "visits.csv"
    with_korean_notes(cohort.baseline).to_csv(baseline, index=False, encoding="euc-kr")
    cohort.visits.to_csv(visits, index=False)
    ingested = ingest(baseline, visits, encoding="cp949")
    assert_same_cohort(ingested, reference)
    assert ingested.warnings.empty


@pytest.mark.parametrize(("suffix", "separator"), [(".csv", ","), (".txt", "\t")])
def test_utf16_export_with_byte_order_mark(
    cohort: SyntheticCohort,
    reference: IngestedCohort,
    tmp_path: Path,
    suffix: str,
    separator: str,
) -> None:
    # .txt with tabs is what Excel's "Unicode Text" writes.
    baseline, visits = tmp_path / f"baseline{suffix}", tmp_path / f"visits{suffix}"
    frames = [(with_korean_notes(cohort.baseline), baseline), (cohort.visits, visits)]
    for frame, path in frames:
        frame.to_csv(path, index=False, sep=separator, encoding="utf-16")
        assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    ingested = ingest(baseline, visits)
    assert_same_cohort(ingested, reference)
    encodings = ingested.warnings[ingested.warnings["check"] == "encoding_detected"]
    assert encodings["table"].tolist() == ["baseline", "visits"]
    assert encodings["message"].str.contains("utf-16").all()


def test_explicit_encoding_that_does_not_fit_names_it_and_the_line(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.csv"
    pd.DataFrame(BASELINE).assign(notes="외래").to_csv(baseline, index=False, encoding="cp949")
    visits = tmp_path / "visits.csv"
    pd.DataFrame(VISITS).to_csv(visits, index=False)
    with pytest.raises(InputError) as caught:
        ingest(baseline, visits, encoding="utf-8")
    assert caught.value.file == str(baseline)
    assert "not utf-8 text" in caught.value.problem and "line 2" in caught.value.problem
    assert "data.encoding: cp949" in caught.value.fix


def test_one_encoding_per_table(
    cohort: SyntheticCohort, reference: IngestedCohort, tmp_path: Path
) -> None:
    # Baseline from Excel as UTF-16 without byte-order mark, visits from the database as UTF-8.
    baseline, visits = tmp_path / "baseline.csv", tmp_path / "visits.csv"
    cohort.baseline.to_csv(baseline, index=False, encoding="utf-16-le")
    cohort.visits.to_csv(visits, index=False)
    with pytest.raises(InputError) as caught:  # the UTF-8 visits decode as UTF-16 garbage
        ingest(baseline, visits, encoding="utf-16-le")
    assert caught.value.file == str(visits)
    assert "read as utf-16-le (config data.encoding)" in caught.value.fix
    assert "data.encoding: {baseline: ..., visits: ...}" in caught.value.fix
    per_table = ingest(baseline, visits, encoding={"baseline": "utf-16-le"})
    assert_same_cohort(per_table, reference)
    assert per_table.warnings.empty
    detected = ingest(baseline, visits)  # NUL bytes: not taken for UTF-8
    assert_same_cohort(detected, reference)
    assert checks(detected) == [["baseline", "encoding_detected", len(cohort.baseline)]]


def test_a_wrong_guess_is_named_in_the_error_it_causes(tmp_path: Path) -> None:
    # A few Korean codes in a short file are too little text to detect CP949 reliably.
    baseline = tmp_path / "baseline.csv"
    pd.DataFrame(BASELINE | {"sex": ["여", "남", "여"]}).to_csv(
        baseline, index=False, encoding="cp949"
    )
    visits = tmp_path / "visits.csv"
    pd.DataFrame(VISITS).to_csv(visits, index=False)
    codes = {"sex": {"여": "female", "남": "male"}}
    try:
        guessed = ingest_cohort(baseline, visits, DICTIONARY, {}, codes, SCHEDULE, lods=LODS)
    except InputError as error:
        assert error.column == "sex" and "Note: the baseline file was read as" in error.fix
        assert "data.encoding" in error.fix
    else:
        assert guessed.warnings["check"].tolist() == ["encoding_detected"]
    read = ReadSettings(text=TextSettings(encoding="cp949"))
    given = ingest_cohort(
        baseline, visits, DICTIONARY, {}, codes, SCHEDULE, lods=LODS, settings=read
    )
    assert given.baseline["sex"].tolist() == ["female", "male", "female"]


def test_unknown_encoding_name_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        run(tmp_path, settings=ReadSettings(text=TextSettings(encoding="korean-windows")))
    assert "data.encoding 'korean-windows'" in caught.value.problem
    assert "cp949" in caught.value.fix


def test_latin1_export_is_read_with_a_visible_warning(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.csv"
    pd.DataFrame(BASELINE).assign(notes=["José", "Müller", "Ærø"]).to_csv(
        baseline, index=False, encoding="latin-1"
    )
    visits = tmp_path / "visits.csv"
    pd.DataFrame(VISITS).to_csv(visits, index=False)
    ingested = ingest(baseline, visits)
    assert ingested.baseline["patient_id"].tolist() == BASELINE["patient_id"]
    assert checks(ingested) == [["baseline", "encoding_detected", 3]]
    assert "data.encoding" in ingested.warnings["message"].iloc[0]


# Separators and decimal commas ------------------------------------------------------------------


def european(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table as a European Excel does: semicolons, decimal commas, also in <0,10."""
    text = frame.map(lambda cell: cell.replace(".", ",") if isinstance(cell, str) else cell)
    text.to_csv(path, index=False, sep=";", decimal=",")
    return path


def test_semicolons_with_decimal_commas(
    cohort: SyntheticCohort, reference: IngestedCohort, tmp_path: Path
) -> None:
    baseline = european(cohort.baseline, tmp_path / "baseline.csv")
    visits = european(cohort.visits, tmp_path / "visits.csv")
    content = baseline.read_text(encoding="utf-8")
    assert "<0,10" in content and ";27,19\n" in content  # a below-LOD IL-1β and a BDNF value
    ingested = ingest(baseline, visits, decimal=",")
    assert_same_cohort(ingested, reference)
    rows = len(cohort.baseline), len(cohort.visits)
    assert checks(ingested) == [
        ["baseline", "separator_detected", rows[0]],
        ["visits", "separator_detected", rows[1]],
    ]
    assert "data.separator: ';'" in ingested.warnings["message"].iloc[0]
    explicit = ingest(baseline, visits, separator=";", decimal=",")
    assert_same_cohort(explicit, reference)
    assert explicit.warnings.empty


@pytest.mark.parametrize(
    ("column", "value"), [("bdnf", "22,5"), ("il1b", "<0,10"), ("age", "40,5")]
)
def test_decimal_comma_without_the_setting_is_an_error_with_the_fix(
    tmp_path: Path, column: str, value: str
) -> None:
    error = failure(tmp_path, baseline=changed(BASELINE, column, 1, value))
    assert error.column == column and error.ids == ["P2"]
    assert f"'{value}'" in error.problem and "data.decimal: ','" in error.fix


def test_decimal_comma_values(tmp_path: Path) -> None:
    baseline = changed(changed(BASELINE, "bdnf", 1, "22.5"), "il1b", 0, "<0.10")
    path = european(pd.DataFrame(baseline), tmp_path / "baseline.csv")
    assert "P2;55,5;" in path.read_text(encoding="utf-8")
    visits = european(pd.DataFrame(VISITS), tmp_path / "visits.csv")
    ingested = ingest(path, visits, decimal=",")
    assert ingested.baseline["bdnf"].tolist() == [20.1, 22.5, 18.4]
    assert ingested.baseline["il1b_below_lod"].tolist() == [1, 0, 0]
    assert ingested.baseline["age"].tolist() == [40.0, 55.5, 70.0]


def test_decimal_point_under_decimal_comma_is_an_error(tmp_path: Path) -> None:
    # In a decimal-comma file 1.234 may be 1234 with a thousands separator: never guess.
    with pytest.raises(InputError) as caught:
        run(tmp_path, settings=ReadSettings(text=TextSettings(decimal=",")))
    error = caught.value
    assert error.column == "age" and error.ids == ["P2"] and "'55.5'" in error.problem
    assert "decimal point" in error.problem and "data.decimal: '.'" in error.fix


def test_separator_that_does_not_split_the_header_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        run(tmp_path, settings=ReadSettings(text=TextSettings(separator=";")))
    assert "separated by commas" in caught.value.problem
    assert "data.separator: ','" in caught.value.fix


def test_tsv_holding_commas_is_read_with_a_warning(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.tsv"
    pd.DataFrame(BASELINE).to_csv(baseline, index=False, sep=",")
    visits = tmp_path / "visits.csv"
    pd.DataFrame(VISITS).to_csv(visits, index=False)
    ingested = ingest(baseline, visits)  # a header with commas only: detected and reported
    assert checks(ingested) == [["baseline", "separator_detected", 3]]


def test_txt_whose_separator_cannot_be_told(tmp_path: Path) -> None:
    visits = tmp_path / "visits.txt"
    visits.write_text("patient_id;week,hamd\nP1;0,20\n", encoding="utf-8")
    baseline = tmp_path / "baseline.csv"
    pd.DataFrame(BASELINE).to_csv(baseline, index=False)
    with pytest.raises(InputError) as caught:
        ingest(baseline, visits)
    assert "commas and semicolons" in caught.value.problem
    assert "data.separator" in caught.value.fix


# Visits in wide format --------------------------------------------------------------------------


def wide_visits(visits: pd.DataFrame, pattern: str = "hamd_w{week}") -> pd.DataFrame:
    """One row per patient, one HAMD column per week, empty where a visit was not attended."""
    wide = visits.pivot(index="patient_id", columns="week", values="hamd").astype("Int64")
    wide.columns = [pattern.format(week=week) for week in wide.columns]
    return wide.reset_index()


def test_wide_visits_file(
    cohort: SyntheticCohort, reference: IngestedCohort, tmp_path: Path
) -> None:
    baseline, visits = tmp_path / "baseline.csv", tmp_path / "visits_wide.csv"
    cohort.baseline.to_csv(baseline, index=False)
    wide = wide_visits(cohort.visits, "HAMD {week}")
    assert wide["HAMD 12"].isna().any()  # dropouts leave empty cells
    wide.to_csv(visits, index=False)
    ingested = ingest(baseline, visits, visits_format="wide", wide_columns="HAMD {week}")
    assert_same_cohort(ingested, reference)
    assert ingested.warnings.empty


def test_wide_visits_in_the_baseline_file(
    cohort: SyntheticCohort, reference: IngestedCohort, tmp_path: Path
) -> None:
    path = tmp_path / "cohort.csv"
    cohort.baseline.merge(wide_visits(cohort.visits), on="patient_id", how="left").to_csv(
        path, index=False
    )
    ingested = ingest(path, path, visits_format="wide")
    assert_same_cohort(ingested, reference)


def test_wide_visits_pattern_matching_no_header(tmp_path: Path) -> None:
    path = tmp_path / "visits.csv"
    wide_visits(pd.DataFrame(VISITS).astype({"hamd": int, "week": int})).to_csv(path, index=False)
    baseline = tmp_path / "baseline.csv"
    pd.DataFrame(BASELINE).to_csv(baseline, index=False)
    with pytest.raises(InputError) as caught:
        ingest(baseline, path, visits_format="wide", wide_columns="HDRS_{week}")
    assert "'HDRS_{week}'" in caught.value.problem and "hamd_w0" in caught.value.problem
    assert caught.value.file == str(path) and "data.wide_visits" in caught.value.fix


@pytest.mark.parametrize("pattern", ["hamd_w", "hamd_{week}_{week}"])
def test_wide_visits_pattern_needs_one_week_placeholder(tmp_path: Path, pattern: str) -> None:
    path = tmp_path / "visits.csv"
    wide_visits(pd.DataFrame(VISITS).astype({"hamd": int, "week": int})).to_csv(path, index=False)
    baseline = tmp_path / "baseline.csv"
    pd.DataFrame(BASELINE).to_csv(baseline, index=False)
    with pytest.raises(InputError, match="exactly once"):
        ingest(baseline, path, visits_format="wide", wide_columns=pattern)


def test_wide_visit_week_outside_the_schedule(tmp_path: Path) -> None:
    path = tmp_path / "visits.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["patient_id", "hamd_w0", "hamd_w4"],
                ["P1", "20", "15"],
                ["P2", "22", ""],
                ["P3", "19", ""],
            ]
        )
    baseline = tmp_path / "baseline.csv"
    pd.DataFrame(BASELINE).to_csv(baseline, index=False)
    with pytest.raises(InputError) as caught:
        ingest(baseline, path, visits_format="wide")
    assert "not in the visit schedule" in caught.value.problem and caught.value.ids == ["P1"]
    assert caught.value.column == "week of hamd_w{week} (our week)"


def test_wide_visits_read_as_long_name_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "visits.csv"
    wide_visits(pd.DataFrame(VISITS).astype({"hamd": int, "week": int})).to_csv(path, index=False)
    baseline = tmp_path / "baseline.csv"
    pd.DataFrame(BASELINE).to_csv(baseline, index=False)
    with pytest.raises(InputError) as caught:
        ingest(baseline, path)
    assert "hamd_w0, hamd_w3, hamd_w12" in caught.value.problem
    assert "data.visits_format: wide" in caught.value.fix


def test_wide_visits_with_mapped_hamd_header_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "visits.csv"
    wide_visits(pd.DataFrame(VISITS).astype({"hamd": int, "week": int})).to_csv(path, index=False)
    baseline = tmp_path / "baseline.csv"
    pd.DataFrame(BASELINE).to_csv(baseline, index=False)
    read = ReadSettings(visits_format="wide")
    with pytest.raises(InputError) as caught:
        ingest_cohort(baseline, path, DICTIONARY, {"visits": {"hamd": "HAMD17"}}, {}, SCHEDULE,
                      settings=read)  # fmt: skip
    assert "data.columns.visits maps hamd" in caught.value.problem
    assert "remove hamd from data.columns.visits" in caught.value.fix


# Patient IDs with leading zeros -----------------------------------------------------------------


def numbered(table: pd.DataFrame, width: int) -> pd.DataFrame:
    """The table with all-digit IDs, zero-padded to width (0: no padding)."""
    numbers = table["patient_id"].str.removeprefix("MB").astype(int)
    return table.assign(patient_id=numbers.map(lambda number: f"{number:0{width}d}"))


def test_leading_zero_mismatch_names_the_option_that_fixes_it(
    cohort: SyntheticCohort, tmp_path: Path
) -> None:
    baseline, visits = tmp_path / "baseline.csv", tmp_path / "visits.csv"
    numbered(cohort.baseline, 5).to_csv(baseline, index=False)  # 00001, as a database writes it
    numbered(cohort.visits, 0).to_csv(visits, index=False)  # 1, as a spreadsheet writes it
    with pytest.raises(InputError) as caught:
        ingest(baseline, visits)
    error = caught.value
    assert error.ids[:3] == ["1", "2", "3"]
    assert "differ from a baseline ID only by leading zeros (visits '1', baseline '00001')" in (
        error.problem
    )
    assert "data.ids: {strip_leading_zeros: true}" in error.fix
    following_the_fix = ingest(baseline, visits, strip_leading_zeros=True)
    plain = tmp_path / "plain"
    plain.mkdir()
    numbered(cohort.baseline, 0).to_csv(plain / "baseline.csv", index=False)
    numbered(cohort.visits, 0).to_csv(plain / "visits.csv", index=False)
    assert_same_cohort(following_the_fix, ingest(plain / "baseline.csv", plain / "visits.csv"))


def test_zero_padded_ids_stay_text_through_the_workflow_files(
    cohort: SyntheticCohort, tmp_path: Path
) -> None:
    baseline, visits = tmp_path / "baseline.csv", tmp_path / "visits.csv"
    numbered(cohort.baseline, 5).to_csv(baseline, index=False)
    numbered(cohort.visits, 5).to_csv(visits, index=False)
    ingested = ingest(baseline, visits)
    assert ingested.baseline["patient_id"].iloc[0] == "00001"
    # The intermediates are written and read back the way the workflow's rules do.
    for name, table in [("baseline.csv", ingested.baseline), ("visits.csv", ingested.visits)]:
        write_table(table, tmp_path / "results" / name)
    dataset = analysis_dataset(
        IngestedCohort(
            read_table(tmp_path / "results" / "baseline.csv"),
            read_table(tmp_path / "results" / "visits.csv"),
            ingested.warnings,
            ingested.warnings_by_patient,
        )
    )
    write_table(dataset, tmp_path / "results" / "analysis_dataset.csv")
    again = read_table(tmp_path / "results" / "analysis_dataset.csv")
    assert again["patient_id"].str.fullmatch(r"\d{5}").all()
    assert again["patient_id"].tolist() == analysis_dataset(ingested)["patient_id"].tolist()


def test_no_leading_zero_hint_when_stripping_would_merge_baseline_patients(
    tmp_path: Path,
) -> None:
    baseline = BASELINE | {"patient_id": ["007", "7", "P3"]}
    visits = VISITS | {"patient_id": ["07", "07", "7", "7", "P3"]}
    error = failure(tmp_path, baseline=baseline, visits=visits)
    assert error.ids == ["07"] and "leading zeros" not in error.problem
    assert "strip_leading_zeros" not in error.fix


# Through the workflow ---------------------------------------------------------------------------


@pytest.mark.workflow
def test_workflow_reads_a_korean_european_wide_export(
    cohort: SyntheticCohort, reference: IngestedCohort, tmp_path: Path
) -> None:
    # One CP949 file with semicolons, decimal commas, zero-padded IDs and the visits in wide
    # columns, configured as a user would in a file of their own.
    workdir = copy_workflow(tmp_path)
    export = numbered(cohort.baseline, 5).merge(
        wide_visits(numbered(cohort.visits, 5), "HAMD_{week}"), on="patient_id", how="left"
    )
    text = with_korean_notes(export).map(
        lambda cell: cell.replace(".", ",") if isinstance(cell, str) else cell
    )
    path = tmp_path / "cohort.csv"
    text.to_csv(path, index=False, sep=";", decimal=",", encoding="cp949")
    (workdir / "my_cohort.yaml").write_text(
        f"data:\n  baseline: {path}\n  visits: {path}\n  encoding: cp949\n  decimal: ','\n"
        "  visits_format: wide\n  wide_visits: {columns: 'HAMD_{week}'}\n",
        encoding="utf-8",
    )
    targets = ["results/data/baseline.csv", "results/data/visits.csv"]
    result = run_snakemake(workdir, *targets, "--configfile", "my_cohort.yaml", cores=1)
    assert result.returncode == 0, result.stderr[-3000:]
    baseline = read_table(workdir / targets[0])
    assert baseline["patient_id"].tolist() == numbered(reference.baseline, 5)["patient_id"].tolist()
    visits = read_table(workdir / targets[1])
    expected = numbered(reference.visits, 5)
    pd.testing.assert_frame_equal(visits, expected.astype({"hamd": float}), check_dtype=False)
    warnings = read_table(workdir / "results/tables/data_warnings.tsv")
    assert warnings[["table", "column", "check"]].values.tolist() == [
        ["baseline", "whole file", "separator_detected"],
        ["visits", "whole file", "separator_detected"],
    ]
