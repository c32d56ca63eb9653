"""Tests for loading the data dictionary and rendering it for the README."""

from pathlib import Path

import pandas as pd
import pytest
from interplay.columns import (
    BASELINE_COLUMNS,
    BASELINE_HAMD_COLUMN,
    BINARY,
    CATEGORICAL,
    CONTINUOUS,
    COVARIATES,
)
from interplay.data.dictionary import (
    FIELDS,
    TYPES,
    dictionary_markdown,
    load_dictionary,
    plausible_text,
    range_text,
    table_spec,
)
from interplay.errors import InputError

DICTIONARY = Path(__file__).resolve().parents[1] / "resources" / "data_dictionary.tsv"


@pytest.fixture(scope="module")
def dictionary() -> pd.DataFrame:
    """The shipped data dictionary."""
    return load_dictionary(DICTIONARY)


def write_dictionary(path: Path, rows: list[list[str]]) -> Path:
    """Write a dictionary TSV with the standard header."""
    lines = ["\t".join(FIELDS)] + ["\t".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_shipped_dictionary_parses_into_typed_fields(dictionary: pd.DataFrame) -> None:
    raw = pd.read_csv(DICTIONARY, sep="\t", dtype=str)
    assert len(dictionary) == len(raw)
    assert set(dictionary["type"]) <= set(TYPES)
    age = table_spec(dictionary, "baseline").loc["age"]
    assert (age["min"], age["max"], age["required"]) == (18.0, 100.0, True)
    assert table_spec(dictionary, "baseline").loc["sex", "levels"] == ("female", "male")
    assert not table_spec(dictionary, "baseline").loc["treatment_step", "required"]
    assert pd.isna(table_spec(dictionary, "baseline").loc["il1b", "max"])


def test_markdown_has_one_row_per_entry_and_escapes_pipes(dictionary: pd.DataFrame) -> None:
    markdown = dictionary_markdown(dictionary)
    lines = markdown.strip().splitlines()
    assert len(lines) == 2 + len(dictionary)
    # Every row has the header's number of cells: an unescaped | in a cell would add one.
    header_cells = lines[0].count("|")
    assert all(line.replace("\\|", "").count("|") == header_cells for line in lines[2:])
    assert "| baseline | `age` | number | years | 18–100 |  | yes | Age at enrolment. |" in lines
    assert any("`sex`" in line and "female, male" in line for line in lines)
    assert any("`il1b`" in line and "| > 0 | 0.001–1000 |" in line for line in lines)
    assert any("`bdnf`" in line and "| > 0 | 0.01–500 |" in line for line in lines)


@pytest.mark.parametrize(
    ("type_", "low", "high", "levels", "expected"),
    [
        ("number", "0", "21", "", "0–21"),
        ("number", "0", "", "", "≥ 0"),
        ("number", "", "5.5", "", "≤ 5.5"),
        ("integer", "", "", "", ""),
        ("biomarker", "0", "", "", "> 0"),
        ("biomarker", "0", "100", "", "> 0, ≤ 100"),
        ("binary", "0", "1", "", "0, 1"),
        ("category", "", "", "a|b|c", "a, b, c"),
    ],
)
def test_range_text(
    tmp_path: Path, type_: str, low: str, high: str, levels: str, expected: str
) -> None:
    row = ["baseline", "x", type_, "", low, high, "", "", levels, "yes", "d"]
    spec = load_dictionary(write_dictionary(tmp_path / "d.tsv", [row])).iloc[0]
    assert range_text(spec) == expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [("0.1", "500", "0.1–500"), ("0.1", "", "≥ 0.1"), ("", "500", "≤ 500"), ("", "", "")],
)
def test_plausible_text(tmp_path: Path, low: str, high: str, expected: str) -> None:
    row = ["baseline", "x", "biomarker", "ng/mL", "0", "", low, high, "", "yes", "d"]
    spec = load_dictionary(write_dictionary(tmp_path / "d.tsv", [row])).iloc[0]
    assert plausible_text(spec) == expected


@pytest.mark.parametrize(
    ("row", "named"),
    [
        (["baseline", "x", "float", "", "", "", "", "", "", "yes", "d"], "float"),
        (["baseline", "x", "number", "", "zero", "", "", "", "", "yes", "d"], "zero"),
        (["baseline", "x", "number", "", "", "", "", "", "", "maybe", "d"], "maybe"),
        (["outcomes", "x", "number", "", "", "", "", "", "", "yes", "d"], "outcomes"),
        (["baseline", "x", "category", "", "", "", "", "", "only", "yes", "d"], "levels"),
        (["baseline", "x", "biomarker", "", "0", "", "", "1 ng", "", "yes", "d"], "plausible_max"),
    ],
)
def test_malformed_dictionary_is_an_input_error(tmp_path: Path, row: list[str], named: str) -> None:
    path = write_dictionary(tmp_path / "d.tsv", [row])
    with pytest.raises(InputError) as caught:
        load_dictionary(path)
    assert str(path) in str(caught.value)
    assert named in str(caught.value)


def test_duplicate_dictionary_entry_is_an_input_error(tmp_path: Path) -> None:
    row = ["baseline", "age", "number", "", "", "", "", "", "", "yes", "d"]
    with pytest.raises(InputError, match="twice: age"):
        load_dictionary(write_dictionary(tmp_path / "d.tsv", [row, row]))


def test_missing_dictionary_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_dictionary(tmp_path / "absent.tsv")


def test_library_column_names_are_the_dictionarys_baseline_columns() -> None:
    spec = table_spec(load_dictionary(DICTIONARY), "baseline")
    assert list(spec.index) == [*BASELINE_COLUMNS, BASELINE_HAMD_COLUMN]


def test_the_covariate_registry_agrees_with_the_dictionarys_types_and_levels() -> None:
    spec = table_spec(load_dictionary(DICTIONARY), "baseline")
    kinds = {"number": CONTINUOUS, "integer": CONTINUOUS, "binary": BINARY, "category": CATEGORICAL}
    for name, covariate in COVARIATES.items():
        assert kinds[spec.loc[name, "type"]] == covariate.kind, name
        expected_levels = spec.loc[name, "levels"] if covariate.kind == CATEGORICAL else ()
        assert tuple(expected_levels) == covariate.levels, name
