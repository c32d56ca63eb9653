"""Tiny input tables and helpers shared by the ingestion tests (not a test module)."""

import csv
import gzip
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from interplay.data.dictionary import load_dictionary
from interplay.data.ingest import IngestedCohort, ingest_cohort
from interplay.errors import InputError

REPO = Path(__file__).resolve().parents[1]
DICTIONARY = load_dictionary(REPO / "resources" / "data_dictionary.tsv")
SCHEDULE = [0, 3, 6, 9, 12]
# The shipped config's limit of detection: IL-1β's below-LOD cells have a rule.
LODS = {"il1b": {"lod": 0.1, "setting": "pair.exposure.lod"}}
PATIENTS = ["P1", "P2", "P3"]
BASELINE = {
    "patient_id": PATIENTS,
    "age": ["40", "55.5", "70"],
    "sex": ["female", "male", "female"],
    "education_years": ["12", "9", "6"],
    "unmarried": ["0", "1", "0"],
    "unemployed": ["1", "0", "0"],
    "low_income": ["0", "1", "1"],
    "hads_anxiety": ["10", "12", "8"],
    "sofas": ["60", "55", "50"],
    "episode_duration_months": ["6", "2.5", "12"],
    "previous_episodes": ["1", "0", "3"],
    "physical_disorders": ["2", "1", "0"],
    "il1b": ["0.52", "1.3", "0.8"],
    "bdnf": ["20.1", "25", "18.4"],
}
VISITS = {
    "patient_id": ["P1", "P1", "P2", "P2", "P3"],
    "week": ["0", "3", "0", "12", "0"],
    "hamd": ["20", "15", "22", "6", "19"],
}


def write_table(path: Path, columns: Mapping[str, list[str]], delimiter: str = ",") -> Path:
    """Write {header: cells} as a delimited text file with the csv module (not pandas)."""
    rows = zip(*columns.values(), strict=True)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(columns.keys())
        writer.writerows(rows)
    return path


def subdirectory(tmp_path: Path, name: str) -> Path:
    """A fresh directory inside tmp_path."""
    path = tmp_path / name
    path.mkdir()
    return path


def changed(table: Mapping[str, list[str]], column: str, index: int, value: str) -> dict:
    """A copy of a table with one cell replaced."""
    copy = {name: list(cells) for name, cells in table.items()}
    copy[column][index] = value
    return copy


def run(
    tmp_path: Path,
    baseline: Mapping[str, list[str]] = BASELINE,
    visits: Mapping[str, list[str]] = VISITS,
    **settings: Any,
) -> IngestedCohort:
    """Write both tables to tmp_path and ingest them with default settings unless given."""
    arguments = {"columns": {}, "codes": {}, "schedule": SCHEDULE, "lods": LODS} | settings
    return ingest_cohort(
        write_table(tmp_path / "baseline.csv", baseline),
        write_table(tmp_path / "visits.csv", visits),
        DICTIONARY,
        **arguments,
    )


def failure(tmp_path: Path, **tables_and_settings: Any) -> InputError:
    """The InputError that ingesting these tables raises."""
    with pytest.raises(InputError) as caught:
        run(tmp_path, **tables_and_settings)
    return caught.value


def assert_reported(error: InputError, file: str, column: str, ids: list[str], *words: str) -> None:
    """The message names the file, the column, the offending IDs, the given words and a fix."""
    message = error.message()
    assert error.file is not None and error.file.endswith(file)
    assert column in (error.column or "")
    assert error.ids == ids
    assert f"patient_id: {', '.join(ids[:5])}" in message
    assert error.fix and "fix: " in message
    for word in words:
        assert word in message
