"""Excel, SPSS, Stata and SAS exports, written by the real libraries, ingest like the CSV files."""

import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest
import xlwt
import yaml
from conftest import copy_workflow, run_r_script, run_snakemake
from ingest_tables import BASELINE, DICTIONARY, SCHEDULE, VISITS, write_table
from interplay.data.flow import build_analysis_dataset
from interplay.data.ingest import IngestedCohort, ReadSettings, ingest_cohort
from interplay.data.stat_files import cell_text
from interplay.errors import InputError
from interplay.synthetic.cohort import simulate_cohort, write_cohort

REPO = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
READ_KEYS = ("sheet", "header_row", "value_labels")
WRITE_SAS = """
if (!requireNamespace("haven", quietly = TRUE)) quit(status = 3)
args <- commandArgs(trailingOnly = TRUE)
for (i in c(1, 3)) {
  table <- read.csv(args[i], colClasses = c(patient_id = "character", il1b = "character"))
  suppressWarnings(haven::write_sas(table, args[i + 1]))  # write_sas is marked deprecated
}
"""


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame, pd.DataFrame]:
    """The synthetic cohort as CSV files, and as the numbers a statistics package holds."""
    directory = tmp_path_factory.mktemp("csv")
    synthetic = simulate_cohort(n_patients=300)
    write_cohort(synthetic, directory / "baseline.csv", directory / "visits.csv", directory / "t")
    numeric = synthetic.baseline.astype(
        {
            column: float
            for column in synthetic.baseline.columns[1:]
            if column not in ("sex", "il1b")
        }
    )
    return directory, numeric, synthetic.visits.astype({"week": float, "hamd": float})


def ingest(baseline: Path, visits: Path, **settings: Any) -> IngestedCohort:
    """Ingest two files with config.yaml's settings, overridden by the given ones."""
    read = {key: settings.pop(key) for key in READ_KEYS if key in settings}
    arguments = {"columns": {}, "codes": {}, "schedule": SCHEDULE} | settings
    return ingest_cohort(baseline, visits, DICTIONARY, settings=ReadSettings(**read), **arguments)


def assert_same_as_csv(ingested: IngestedCohort, directory: Path) -> None:
    """The ingested tables, warnings and analysis dataset equal those of the CSV files."""
    reference = ingest(directory / "baseline.csv", directory / "visits.csv")
    for table in ("baseline", "visits", "warnings"):
        pd.testing.assert_frame_equal(getattr(ingested, table), getattr(reference, table))
    datasets = [
        build_analysis_dataset(
            cohort.baseline, cohort.visits, CONFIG["outcome"], CONFIG["pair"]
        ).dataset
        for cohort in (ingested, reference)
    ]
    pd.testing.assert_frame_equal(*datasets)


def with_lab_text(baseline: pd.DataFrame) -> pd.DataFrame:
    """IL-1β as a spreadsheet holds it: numbers in number cells, `<0.10` as text."""
    numbers = pd.to_numeric(baseline["il1b"], errors="coerce")
    return baseline.assign(il1b=numbers.astype(object).where(numbers.notna(), baseline["il1b"]))


def config_codes(text: str) -> Mapping:
    """data.codes as YAML reads what a user writes in config.yaml."""
    return yaml.safe_load(text)


# The same cohort in every format -----------------------------------------------------------------


def test_excel_sheet_and_header_row_give_the_csv_dataset(tmp_path: Path, cohort) -> None:
    directory, baseline, visits = cohort
    with pd.ExcelWriter(tmp_path / "baseline.xlsx", engine="openpyxl") as writer:
        pd.DataFrame({"note": ["exported 2025-03-04"]}).to_excel(writer, sheet_name="About")
        with_lab_text(baseline).to_excel(writer, sheet_name="Patients", index=False)
    visits.to_excel(tmp_path / "visits.xlsx", sheet_name="HAMD", index=False, startrow=2)
    workbook = openpyxl.load_workbook(tmp_path / "visits.xlsx")
    workbook["HAMD"]["A1"] = "HAMD-17 ratings, MAKE BETTER export"
    workbook.create_sheet("Codebook")["A1"] = "week: weeks since baseline"
    workbook.save(tmp_path / "visits.xlsx")

    ingested = ingest(
        tmp_path / "baseline.xlsx",
        tmp_path / "visits.xlsx",
        sheet={"baseline": "Patients"},
        header_row={"visits": 3},
    )
    assert_same_as_csv(ingested, directory)


def write_xls(path: Path, frame: pd.DataFrame) -> Path:
    """An Excel 97-2003 workbook written cell by cell with xlwt (empty cells left out)."""
    workbook = xlwt.Workbook()
    worksheet = workbook.add_sheet("Export")
    for column, name in enumerate(frame.columns):
        worksheet.write(0, column, name)
    for row, values in enumerate(frame.itertuples(index=False), start=1):
        for column, value in enumerate(values):
            if not pd.isna(value):
                worksheet.write(row, column, value)
    workbook.save(str(path))
    return path


def test_excel_97_workbook_gives_the_csv_dataset(tmp_path: Path, cohort) -> None:
    directory, baseline, visits = cohort
    ingested = ingest(
        write_xls(tmp_path / "baseline.xls", with_lab_text(baseline)),
        write_xls(tmp_path / "visits.xls", visits),
    )
    assert_same_as_csv(ingested, directory)


def test_spss_file_gives_the_csv_dataset(tmp_path: Path, cohort) -> None:
    directory, baseline, visits = cohort
    pyreadstat.write_sav(baseline, tmp_path / "baseline.sav")
    pyreadstat.write_sav(visits, tmp_path / "visits.zsav", compress=True)
    assert_same_as_csv(ingest(tmp_path / "baseline.sav", tmp_path / "visits.zsav"), directory)


def test_spss_portable_file_with_short_names_gives_the_csv_dataset(tmp_path: Path, cohort) -> None:
    # Portable files allow 8-character names: the user maps them in data.columns.
    directory, baseline, visits = cohort
    short = {
        table: {name: name[:8].upper() for name in frame}
        for table, frame in (("baseline", baseline), ("visits", visits))
    }
    pyreadstat.write_por(baseline.rename(columns=short["baseline"]), tmp_path / "baseline.por")
    pyreadstat.write_por(visits.rename(columns=short["visits"]), tmp_path / "visits.por")
    ingested = ingest(tmp_path / "baseline.por", tmp_path / "visits.por", columns=short)
    assert_same_as_csv(ingested, directory)


def test_stata_file_gives_the_csv_dataset(tmp_path: Path, cohort) -> None:
    directory, baseline, visits = cohort
    pyreadstat.write_dta(baseline, tmp_path / "baseline.dta")
    pyreadstat.write_dta(visits, tmp_path / "visits.dta")
    assert_same_as_csv(ingest(tmp_path / "baseline.dta", tmp_path / "visits.dta"), directory)


def test_sas_transport_file_gives_the_csv_dataset(tmp_path: Path, cohort) -> None:
    directory, baseline, visits = cohort
    pyreadstat.write_xport(baseline, tmp_path / "baseline.xpt")
    pyreadstat.write_xport(visits, tmp_path / "visits.xpt")
    assert_same_as_csv(ingest(tmp_path / "baseline.xpt", tmp_path / "visits.xpt"), directory)


@pytest.mark.workflow  # as slow as a workflow job
def test_sas7bdat_written_by_r_haven_gives_the_csv_dataset(tmp_path: Path, cohort) -> None:
    # No Python library writes .sas7bdat; R's haven does (skipped without R unless CI requires R).
    directory = cohort[0]
    script = tmp_path / "write_sas.R"
    script.write_text(WRITE_SAS)
    paths = [
        directory / "baseline.csv",
        tmp_path / "baseline.sas7bdat",
        directory / "visits.csv",
        tmp_path / "visits.sas7bdat",
    ]
    run_r_script(script, paths, "haven", timeout=120)
    assert_same_as_csv(ingest(paths[1], paths[3]), directory)


# Value labels and user-defined missing values ----------------------------------------------------


def labelled(baseline: pd.DataFrame) -> pd.DataFrame:
    """Sex as SPSS codes it (1 male, 2 female); unmarried keeps its 0/1 codes."""
    return baseline.assign(sex=baseline["sex"].map({"male": 1.0, "female": 2.0}))


SPSS_LABELS = {"sex": {1: "Male", 2: "Female"}, "unmarried": {0: "No", 1: "Yes"}}


def test_value_labels_are_the_codes_by_default(tmp_path: Path, cohort) -> None:
    directory, baseline, visits = cohort
    pyreadstat.write_sav(
        labelled(baseline), tmp_path / "baseline.sav", variable_value_labels=SPSS_LABELS
    )
    pyreadstat.write_sav(visits, tmp_path / "visits.sav")
    # Female/Male match our codes as they are; the yes/no labels are mapped onto 1/0.
    codes = config_codes("unmarried: {Yes: 1, No: 0}")
    ingested = ingest(tmp_path / "baseline.sav", tmp_path / "visits.sav", codes=codes)
    assert_same_as_csv(ingested, directory)


def test_stored_codes_without_value_labels(tmp_path: Path, cohort) -> None:
    directory, baseline, visits = cohort
    pyreadstat.write_dta(
        labelled(baseline), tmp_path / "baseline.dta", variable_value_labels=SPSS_LABELS
    )
    pyreadstat.write_dta(visits, tmp_path / "visits.dta")
    codes = config_codes("sex: {1: male, 2: female}")
    ingested = ingest(
        tmp_path / "baseline.dta", tmp_path / "visits.dta", codes=codes, value_labels=False
    )
    assert_same_as_csv(ingested, directory)


def test_labels_that_are_not_our_codes_are_named_with_a_fix_that_works(
    tmp_path: Path, cohort
) -> None:
    _, baseline, visits = cohort
    pyreadstat.write_sav(
        labelled(baseline), tmp_path / "baseline.sav", variable_value_labels=SPSS_LABELS
    )
    pyreadstat.write_sav(visits, tmp_path / "visits.sav")
    with pytest.raises(InputError) as caught:
        ingest(tmp_path / "baseline.sav", tmp_path / "visits.sav")
    error = caught.value
    assert error.column == "unmarried"
    assert "are not among the allowed codes (0, 1): 'Yes', 'No'" in error.problem
    assert "data.codes: {unmarried: {Yes: <0|1>, No: <0|1>}}" in error.fix
    fixed = ingest(
        tmp_path / "baseline.sav",
        tmp_path / "visits.sav",
        codes=config_codes("unmarried: {Yes: 1, No: 0}"),
    )
    assert fixed.baseline["unmarried"].tolist() == baseline["unmarried"].tolist()


def test_labels_with_commas_and_colons_get_a_config_snippet_that_reads_back(
    tmp_path: Path, cohort
) -> None:
    _, baseline, visits = cohort
    labels = {"unmarried": {0: "Married, living together", 1: "Single: never married"}}
    pyreadstat.write_sav(baseline, tmp_path / "baseline.sav", variable_value_labels=labels)
    pyreadstat.write_sav(visits, tmp_path / "visits.sav")
    with pytest.raises(InputError) as caught:
        ingest(tmp_path / "baseline.sav", tmp_path / "visits.sav")
    snippet = caught.value.fix.split("e.g. data.codes: ")[1].split("; ")[0]
    for code, label in labels["unmarried"].items():
        snippet = snippet.replace(f'"{label}": <0|1>', f'"{label}": {code}')
    codes = yaml.safe_load(snippet)
    assert codes == {"unmarried": {"Single: never married": 1, "Married, living together": 0}}
    fixed = ingest(tmp_path / "baseline.sav", tmp_path / "visits.sav", codes=codes)
    assert fixed.baseline["unmarried"].tolist() == baseline["unmarried"].tolist()


def test_spss_user_missing_values_are_missing(tmp_path: Path, cohort) -> None:
    directory, baseline, visits = cohort
    missing = baseline["hads_anxiety"].isna() | baseline["sofas"].isna()
    coded = baseline.assign(
        hads_anxiety=baseline["hads_anxiety"].fillna(-9),
        sofas=baseline["sofas"].fillna(999),
    )
    pyreadstat.write_sav(
        coded,
        tmp_path / "baseline.sav",
        missing_ranges={"hads_anxiety": [-9], "sofas": [{"lo": 990, "hi": 999}]},
    )
    pyreadstat.write_sav(visits, tmp_path / "visits.sav")
    assert missing.any()
    assert_same_as_csv(ingest(tmp_path / "baseline.sav", tmp_path / "visits.sav"), directory)


def test_stata_extended_missing_values_are_missing(tmp_path: Path, cohort) -> None:
    directory, baseline, visits = cohort
    coded = baseline.assign(
        sofas=baseline["sofas"].astype(object).where(baseline["sofas"].notna(), "a")
    )
    pyreadstat.write_dta(coded, tmp_path / "baseline.dta", missing_user_values={"sofas": ["a"]})
    pyreadstat.write_dta(visits, tmp_path / "visits.dta")
    assert_same_as_csv(ingest(tmp_path / "baseline.dta", tmp_path / "visits.dta"), directory)


def test_undeclared_missing_code_is_out_of_range(tmp_path: Path) -> None:
    baseline = pd.DataFrame(BASELINE).astype({"hads_anxiety": float})
    baseline.loc[1, "hads_anxiety"] = -9
    pyreadstat.write_sav(baseline, tmp_path / "baseline.sav")
    visits = write_table(tmp_path / "visits.csv", VISITS)
    with pytest.raises(InputError, match="outside the allowed range") as caught:
        ingest(tmp_path / "baseline.sav", visits)
    assert caught.value.ids == ["P2"] and "'-9'" in caught.value.problem


# Excel cells -------------------------------------------------------------------------------------


def small_workbook(path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> Path:
    """A one-sheet workbook with these rows, written cell by cell with openpyxl."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def excel_visits(tmp_path: Path, rows: list[list[object]], **settings: Any) -> IngestedCohort:
    """Ingest a visits workbook with the given data rows beside the tiny baseline CSV."""
    path = small_workbook(tmp_path / "visits.xlsx", [["patient_id", "week", "hamd"], *rows])
    return ingest(write_table(tmp_path / "baseline.csv", BASELINE), path, **settings)


def with_cached_value(path: Path, shown: str, stored: str) -> Path:
    """Store a number cell's value with Excel's 17 digits (openpyxl writes at most 16)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert f"<v>{shown}</v>".encode() in parts[sheet]
    parts[sheet] = parts[sheet].replace(f"<v>{shown}</v>".encode(), f"<v>{stored}</v>".encode())
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def test_excel_numbers_are_read_without_float_noise(tmp_path: Path) -> None:
    # Excel stores =0.1+0.2 as 0.30000000000000004 and shows 0.3 (15 significant digits).
    rows = [["P1", 0, 20], ["P1", 3.0, 0.3], ["P2", 0, 22.5], ["P3", 0, 19]]
    path = small_workbook(tmp_path / "visits.xlsx", [["patient_id", "week", "hamd"], *rows])
    with_cached_value(path, "0.3", "0.30000000000000004")
    visits = ingest(write_table(tmp_path / "baseline.csv", BASELINE), path).visits
    assert visits["week"].tolist() == [0, 3, 0, 0]
    assert visits["hamd"].tolist() == [20, 0.3, 22.5, 19]


def test_excel_numeric_ids_match_the_other_table(tmp_path: Path) -> None:
    baseline = write_table(tmp_path / "baseline.csv", BASELINE | {"patient_id": ["1", "2", "3"]})
    rows = [["patient_id", "week", "hamd"], [1, 0, 20], [2.0, 0, 22], [3, 0, 19]]
    ingested = ingest(baseline, small_workbook(tmp_path / "visits.xlsx", rows))
    assert ingested.visits["patient_id"].tolist() == ["1", "2", "3"]


def test_excel_empty_and_na_cells_are_missing(tmp_path: Path) -> None:
    rows = [["P1", 0, 20], ["P1", 3, None], ["P1", 6, "NA"], ["P2", 0, 22], ["P3", 0, 19]]
    ingested = excel_visits(tmp_path, rows)
    assert ingested.visits["week"].tolist() == [0, 0, 0]
    unrated = ingested.warnings[ingested.warnings["check"] == "unrated_visit"]
    assert unrated["n_affected"].tolist() == [2]


def test_excel_error_cells_read_as_a_csv_export_writes_them(tmp_path: Path) -> None:
    rows = [["P1", 0, 20], ["P1", 3, "#N/A"], ["P2", 0, 22], ["P3", 0, 19]]
    ingested = excel_visits(tmp_path, rows)
    assert ingested.visits["week"].tolist() == [0, 0, 0]
    with pytest.raises(InputError, match="are not numbers: '#DIV/0!'") as caught:
        excel_visits(tmp_path, [*rows, ["P3", 12, "#DIV/0!"]])
    assert caught.value.column == "hamd" and caught.value.ids == ["P3"]


def test_excel_date_cell_is_reported_as_not_a_number(tmp_path: Path) -> None:
    rows = [["P1", 0, 20], ["P2", pd.Timestamp("2025-03-04").to_pydatetime(), 22], ["P3", 0, 19]]
    with pytest.raises(InputError, match="'2025-03-04'") as caught:
        excel_visits(tmp_path, rows)
    assert caught.value.column == "week" and caught.value.ids == ["P2"]


def test_missing_sheet_lists_the_sheets(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        excel_visits(tmp_path, [["P1", 0, 20]], sheet={"visits": "HAMD"})
    assert caught.value.problem == "the workbook has no sheet 'HAMD'; its sheets are: 'Sheet1'"
    assert caught.value.file.endswith("visits.xlsx")
    assert "data.sheet: {visits: Sheet1}" in caught.value.fix


def test_header_row_on_an_empty_row(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="row 3 of sheet 'Sheet1' is empty") as caught:
        excel_visits(tmp_path, [["P1", 0, 20]], header_row={"visits": 3})
    assert caught.value.fix.endswith("data.header_row: {visits: 1}")


def test_title_above_the_column_names_points_at_their_row(tmp_path: Path) -> None:
    title = [["HAMD-17, exported 2025-03-04"], [], ["patient_id", "week", "hamd"]]
    path = small_workbook(
        tmp_path / "visits.xlsx", [*title, ["P1", 0, 20], ["P2", 0, 22], ["P3", 0, 19]]
    )
    with pytest.raises(InputError, match="row 1 of sheet 'Sheet1' holds a single cell") as caught:
        ingest(write_table(tmp_path / "baseline.csv", BASELINE), path)
    assert caught.value.fix.endswith("data.header_row: {visits: 3}")
    fixed = ingest(write_table(tmp_path / "baseline.csv", BASELINE), path, header_row={"visits": 3})
    assert fixed.visits["hamd"].tolist() == [20, 22, 19]


def test_empty_sheet_lists_the_sheets(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Cover"
    workbook.create_sheet("HAMD").append(["patient_id", "week", "hamd"])
    workbook.save(tmp_path / "visits.xlsx")
    baseline = write_table(tmp_path / "baseline.csv", BASELINE)
    with pytest.raises(InputError, match="sheet 'Cover' is empty") as caught:
        ingest(baseline, tmp_path / "visits.xlsx")
    assert "data.sheet: {visits: <sheet>}" in caught.value.fix and "'HAMD'" in caught.value.fix


def test_sheet_setting_for_a_text_file_is_refused(tmp_path: Path) -> None:
    visits = write_table(tmp_path / "visits.csv", VISITS)
    baseline = write_table(tmp_path / "baseline.csv", BASELINE)
    with pytest.raises(InputError, match=r"data\.header_row is for Excel workbooks only") as caught:
        ingest(baseline, visits, header_row=2)
    assert caught.value.file.endswith("baseline.csv")
    assert "data.header_row: {visits: 2}" in caught.value.fix


# Damaged files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("visits.xlsx", "an Excel workbook"),
        ("visits.sav", "SPSS data"),
        ("visits.dta", "Stata data"),
    ],
)
def test_damaged_export_is_named(tmp_path: Path, name: str, words: str) -> None:
    (tmp_path / name).write_bytes(b"PK\x03\x04 not really")
    baseline = write_table(tmp_path / "baseline.csv", BASELINE)
    with pytest.raises(InputError, match=f"could not be read as {words}") as caught:
        ingest(baseline, tmp_path / name)
    assert caught.value.file == str(tmp_path / name)


# Cells -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (0.1, None, "0.1"),
        (12.0, None, "12"),
        (np.float64(0.1) + np.float64(0.2), None, "0.30000000000000004"),
        (0.1 + 0.2, 15, "0.3"),
        (np.int64(7), None, "7"),
        (1e20, None, "1e+20"),
        (float("nan"), None, ""),
        (None, None, ""),
        (pd.NA, None, ""),
        ("  <0.10 ", None, "<0.10"),
        (True, None, "TRUE"),
        (pd.Timestamp("2025-03-04"), None, "2025-03-04"),
        (pd.Timestamp("2025-03-04 10:30"), None, "2025-03-04T10:30:00"),
    ],
)
def test_cell_text(value: object, digits: int | None, text: str) -> None:
    assert cell_text(value, digits) == text


# The workflow -------------------------------------------------------------------------------------


@pytest.mark.workflow
def test_workflow_reads_exports_configured_as_a_user_would(tmp_path: Path, cohort) -> None:
    directory, baseline, visits = cohort
    workdir = copy_workflow(tmp_path)
    with pd.ExcelWriter(workdir / "export.xlsx", engine="openpyxl") as writer:
        with_lab_text(baseline).to_excel(writer, sheet_name="Patients", index=False, startrow=1)
    pyreadstat.write_sav(visits, workdir / "visits.sav")
    (workdir / "my_cohort.yaml").write_text(
        "data:\n"
        "  baseline: export.xlsx\n"
        "  visits: visits.sav\n"
        "  sheet: {baseline: Patients}\n"
        "  header_row: {baseline: 2}\n"
    )
    outputs = ["results/data/baseline.csv", "results/data/visits.csv"]
    result = run_snakemake(workdir, *outputs, "--configfile", "my_cohort.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    reference = ingest(directory / "baseline.csv", directory / "visits.csv")
    for table, output in zip(("baseline", "visits"), outputs, strict=True):
        expected = getattr(reference, table)
        written = pd.read_csv(workdir / output, dtype={"patient_id": str})
        pd.testing.assert_frame_equal(written, expected, check_dtype=False, check_categorical=False)
