"""A hospital export with two assay batches, ND codes and BDNF in pg/mL, run through Snakemake."""

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_workflow, run_snakemake
from interplay.synthetic.cohort import simulate_cohort

pytestmark = pytest.mark.workflow

TARGETS = [
    "results/data/analysis_dataset.csv",
    "results/tables/cutpoints.tsv",
    "results/tables/data_warnings.tsv",
]
CONFIG = """
data:
  baseline: export/baseline.csv
  visits: export/visits.csv
  codes:
    il1b: {"ND": "<LOD"}
"""
UNITS = "  units: {bdnf: pg/mL}\n"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch workflow with an export: batch 2 writes <0.2, batch 3 writes ND, BDNF in pg/mL."""
    workdir = copy_workflow(tmp_path_factory.mktemp("lod_workflow"))
    cohort = simulate_cohort(n_patients=300, n_without_biomarkers=0, n_without_followup=0)
    baseline = cohort.baseline.copy()
    below = baseline.index[baseline["il1b"] == "<0.10"]
    baseline.loc[below[0::3], "il1b"] = "<0.2"
    baseline.loc[below[1::3], "il1b"] = "ND"
    baseline["bdnf"] = baseline["bdnf"].map(
        lambda value: format(Decimal(str(value)).scaleb(3).normalize(), "f")
    )
    (workdir / "export").mkdir()
    baseline.to_csv(workdir / "export/baseline.csv", index=False)
    cohort.visits.to_csv(workdir / "export/visits.csv", index=False)
    return workdir


def test_pg_per_ml_bdnf_stops_the_run_and_leaves_nothing(workdir: Path) -> None:
    (workdir / "without_units.yaml").write_text(CONFIG)
    result = run_snakemake(workdir, *TARGETS, "--configfile", "without_units.yaml")
    assert result.returncode != 0
    assert "looks like pg/mL" in result.stderr and "data.units: {bdnf: pg/mL}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (workdir / "results/data/baseline.csv").exists()


def test_the_configured_export_gives_per_cell_limits_and_warnings(workdir: Path) -> None:
    (workdir / "with_units.yaml").write_text(CONFIG + UNITS)
    result = run_snakemake(workdir, *TARGETS, "--configfile", "with_units.yaml")
    assert result.returncode == 0, result.stderr[-3000:]
    export = pd.read_csv(workdir / "export/baseline.csv", dtype=str)
    dataset = pd.read_csv(workdir / "results/data/analysis_dataset.csv", dtype={"patient_id": str})
    assert len(dataset) == len(export)  # ND means below the LOD here: nobody is lost
    written = export.set_index("patient_id")["il1b"]
    limits = dataset.set_index("patient_id")["il1b_lod"]
    assert (limits[written[written == "<0.2"].index] == 0.2).all()
    assert (limits[written[written.isin(["<0.10", "ND"])].index] == 0.1).all()
    assert limits[written[~written.str.startswith("<") & (written != "ND")].index].isna().all()
    assert dataset["bdnf"].median() == pytest.approx(pd.to_numeric(export["bdnf"]).median() / 1000)
    warnings = pd.read_csv(workdir / "results/tables/data_warnings.tsv", sep="\t")
    n_batch2 = int((written == "<0.2").sum())
    counted = dict(zip(warnings["check"], warnings["n_affected"], strict=True))
    assert counted["lod_differs"] == n_batch2
    assert counted["several_lods"] == int(written.isin(["<0.10", "<0.2", "ND"]).sum())
    assert counted["unit_converted"] == len(export)
    cutpoints = pd.read_csv(workdir / "results/tables/cutpoints.tsv", sep="\t")
    lod_rows = cutpoints.loc[cutpoints["coding"] == "below_lod"]
    assert lod_rows["lod"].tolist() == [0.1, 0.1, 0.2, 0.2]
    assert lod_rows["n_patients"].tolist()[2:] == [n_batch2, n_batch2]
    assert cutpoints.loc[cutpoints["coding"] == "median", "n_patients"].isna().all()
