"""Tables as R reads them: logical columns TRUE/FALSE, missing cells NA, numbers unchanged."""

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import rscript_or_skip
from interplay.tables import read_table, write_table

R_SCRIPT = Path(__file__).parent / "r" / "read_tables.R"
TABLE_SUFFIXES = (".tsv", ".csv", ".tsv.gz", ".csv.gz")
# Written by the synthetic-cohort generator as a hospital export, and by Snakemake's benchmark:
# directives, not by write_table.
NOT_WRITE_TABLE = ["results/synthetic", "results/benchmarks"]


def mixed_table() -> pd.DataFrame:
    """One column of each kind our tables hold, with gaps."""
    return pd.DataFrame(
        {
            "is_reference": [True, False, False],
            "significant": pd.Series([np.True_, None, np.False_], dtype=object),
            "estimate": [1 / 3, np.nan, 0.1 + 0.2],
            "n": [12, 0, 7],
            "reason": ["", None, "no baseline HAMD"],
            "words": ["None", "null", "n/a"],
        }
    )


def r_classes(rscript: str, paths: list[Path], output: Path) -> pd.DataFrame:
    """Per column of each table: the class R's read.delim/read.csv gives it, and its cells."""
    result = subprocess.run(
        [rscript, str(R_SCRIPT), str(output), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return pd.read_csv(output, keep_default_na=False)


def test_logicals_and_missing_cells_are_written_as_r_spells_them(tmp_path):
    path = tmp_path / "table.tsv"
    write_table(mixed_table(), path)
    assert path.read_text().splitlines() == [
        "is_reference\tsignificant\testimate\tn\treason\twords",
        "TRUE\tTRUE\t0.3333333333\t12\tNA\tNone",
        "FALSE\tNA\tNA\t0\tNA\tnull",
        "FALSE\tFALSE\t0.3\t7\tno baseline HAMD\tn/a",
    ]


def test_read_table_gives_back_bools_and_gaps_and_keeps_other_text(tmp_path):
    path = tmp_path / "table.tsv.gz"
    write_table(mixed_table(), path)
    back = read_table(path)
    assert back["is_reference"].dtype == bool
    assert back["significant"].tolist()[::2] == [True, False] and pd.isna(back["significant"][1])
    assert back["reason"].isna().tolist() == [True, True, False]
    assert back["words"].tolist() == ["None", "null", "n/a"]  # only NA is missing, as in R
    assert back["estimate"].tolist()[::2] == [0.3333333333, 0.3]


def test_tables_written_before_na_still_read_empty_cells_as_missing(tmp_path):
    path = tmp_path / "old.tsv"
    path.write_text("stage\treason\nenrolled\t\nwith_both\tno IL-1β\n")
    assert read_table(path)["reason"].isna().tolist() == [True, False]


def test_r_reads_logicals_and_na(tmp_path):
    rscript = rscript_or_skip()
    write_table(mixed_table(), tmp_path / "table.tsv")
    classes = r_classes(rscript, [tmp_path / "table.tsv"], tmp_path / "classes.csv")
    by_column = classes.set_index("column")
    assert by_column["class"].to_dict() == {
        "is_reference": "logical",
        "significant": "logical",
        "estimate": "numeric",
        "n": "integer",
        "reason": "character",
        "words": "character",
    }
    assert by_column["n_missing"].to_dict() == {
        "is_reference": 0,
        "significant": 1,
        "estimate": 1,
        "n": 0,
        "reason": 2,
        "words": 0,
    }
    assert classes[["n_empty_text", "n_na_text"]].eq(0).all().all()


def workflow_tables(workdir: Path) -> list[Path]:
    """Every table a run wrote with write_table."""
    return sorted(
        path
        for path in (workdir / "results").rglob("*")
        if path.name.endswith(TABLE_SUFFIXES)
        and not any(path.is_relative_to(workdir / folder) for folder in NOT_WRITE_TABLE)
    )


def expected_r_class(values: pd.Series) -> set[str]:
    """The classes R may give a column pandas read as values (an all-NA column is logical)."""
    if values.isna().all():
        return {"logical"}
    if values.dtype == bool:
        return {"logical"}
    if pd.api.types.is_integer_dtype(values):
        return {"integer", "numeric"}  # R's integer is 32-bit
    if pd.api.types.is_float_dtype(values):
        return {"integer", "numeric"}  # integers with gaps are floats in pandas
    present = values.dropna()
    if present.map(type).isin([bool]).all():
        return {"logical"}
    return {"character"}


@pytest.mark.workflow
def test_r_reads_every_table_of_a_run_with_its_logicals_and_nas(completed_workflow, tmp_path):
    rscript = rscript_or_skip()
    tables = workflow_tables(completed_workflow)
    assert len(tables) > 100
    classes = r_classes(rscript, tables, tmp_path / "classes.csv")
    expected = {
        (str(path), column): expected_r_class(values)
        for path in tables
        for column, values in read_table(path).items()
        if column != "patient_id"  # text for us; R keeps it text with colClasses (README)
    }
    found = classes.set_index(["file", "column"])["class"].to_dict()
    wrong = {key: (found[key], kinds) for key, kinds in expected.items() if found[key] not in kinds}
    assert not wrong
    text = classes[classes["class"] == "character"]
    assert text[["n_empty_text", "n_na_text"]].eq(0).all().all(), text[
        text[["n_empty_text", "n_na_text"]].gt(0).any(axis=1)
    ]
    primary = completed_workflow / "results/analyses/primary"
    assert found[(str(primary / "joint.tsv"), "is_reference")] == "logical"
    assert found[(str(primary / "johnson_neyman.tsv"), "significant")] == "logical"
    for column in ["df1", "df2"]:  # a test's degrees of freedom, NA on the other rows
        assert found[(str(primary / "interaction.tsv"), column)] in {"integer", "numeric"}
    check = f'd <- read.delim("{primary / "joint.tsv"}"); stopifnot(is.logical(d$is_reference))'
    assert subprocess.run([rscript, "-e", check], capture_output=True).returncode == 0
