"""The whole workflow, run by Snakemake as a user runs it, in a scratch copy of the repository."""

from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import REPO, copy_workflow, run_snakemake

pytestmark = pytest.mark.workflow

ANALYSES = list(yaml.safe_load((REPO / "config.yaml").read_text())["analyses"])
ANALYSIS_TABLES = ["models", "joint", "interaction", "slopes", "johnson_neyman", "predictions"]
PATIENT_LEVEL = ["results/synthetic", "results/data", "results/imputations", "results/logs"]


@pytest.fixture(scope="module")
def default_run(completed_workflow: Path) -> Path:
    """The default analysis, run once for the session."""
    return completed_workflow


def read_tsv(path: Path) -> pd.DataFrame:
    """Read a result table."""
    return pd.read_csv(path, sep="\t")


def test_every_output_exists_and_is_not_empty(default_run: Path) -> None:
    expected = [
        "results/tables/flow.tsv",
        "results/tables/cutpoints.tsv",
        "results/tables/data_warnings.tsv",
        "results/tables/table1_by_remission.tsv",
        "results/tables/table1_by_biomarker_group.tsv",
        "results/data/analysis_dataset.csv",
        "results/provenance.json",
        "results/tables/sensitivity.tsv",
        "results/imputations/primary/imputed.csv.gz",
        "results/imputations/primary/imputed.npz",
        *[f"results/analyses/{a}/missingness.tsv" for a in ANALYSES],
        *[f"results/analyses/{a}/{t}.tsv" for a in ANALYSES for t in ANALYSIS_TABLES],
    ]
    for relative in expected:
        path = default_run / relative
        assert path.is_file() and path.stat().st_size > 0, f"{relative} missing or empty"


def test_flow_reaches_the_published_sample_sizes(default_run: Path) -> None:
    flow = read_tsv(default_run / "results/tables/flow.tsv")
    assert list(flow["n"]) == [1106, 1094, 1094, 1086]
    assert (flow["excluded"].fillna(0).iloc[1:] == [12, 0, 8]).all()


def test_analysis_dataset_has_one_row_per_analytic_patient(default_run: Path) -> None:
    dataset = pd.read_csv(default_run / "results/data/analysis_dataset.csv")
    assert len(dataset) == 1086
    assert dataset["patient_id"].is_unique
    assert 0.451 - 0.025 <= dataset["remission"].mean() <= 0.451 + 0.025


def test_no_patient_level_rows_outside_data_folders(default_run: Path) -> None:
    results = default_run / "results"
    for path in results.rglob("*"):
        if not path.is_file() or any(path.is_relative_to(default_run / p) for p in PATIENT_LEVEL):
            continue
        if path.name == "analysis_dataset.csv":
            continue
        if path.suffix == ".tsv":
            assert "patient_id" not in read_tsv(path).columns, f"{path} holds patient rows"


def test_second_run_has_nothing_to_do(default_run: Path) -> None:
    result = run_snakemake(default_run, "--dry-run")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Nothing to be done" in result.stdout + result.stderr


def test_bad_input_fails_cleanly_and_leaves_no_output(tmp_path: Path) -> None:
    workdir = copy_workflow(tmp_path)
    baseline = workdir / "baseline.csv"
    visits = workdir / "visits.csv"
    baseline.write_text(
        "patient_id,age,sex,education_years,unmarried,unemployed,low_income,hads_anxiety,"
        "sofas,episode_duration_months,previous_episodes,physical_disorders,il1b,bdnf\n"
        "P1,17,female,9,0,0,1,10,55,6,1,1,0.5,20\n"
        "P2,40,male,12,1,0,0,12,60,3,0,2,0.7,25\n"
    )
    visits.write_text("patient_id,week,hamd\nP1,0,20\nP1,12,5\nP2,0,22\nP2,12,10\n")
    (workdir / "my_cohort.yaml").write_text(f"data:\n  baseline: {baseline}\n  visits: {visits}\n")
    result = run_snakemake(workdir, "--configfile", "my_cohort.yaml")
    assert result.returncode != 0
    assert "column 'age'" in result.stderr and "P1" in result.stderr
    assert not (workdir / "results/data/baseline.csv").exists()
