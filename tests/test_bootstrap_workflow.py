"""The bootstrap rules as Snakemake runs them: byte-identical results for any shards and cores."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import QUICK_CONFIG, REPO, copy_workflow

pytestmark = pytest.mark.workflow

QUICK_BOOTSTRAP = yaml.safe_load((REPO / QUICK_CONFIG).read_text(encoding="utf-8"))["bootstrap"]
ANALYSES = ["primary", "complete_case"]
TARGETS = [
    *[f"results/analyses/{a}/{t}.tsv" for a in ANALYSES for t in ["models", "interaction"]],
    *[f"results/analyses/{a}/bootstrap.tsv" for a in ANALYSES],
]
COMPARED = [
    *TARGETS,
    *[f"results/analyses/{a}/{t}.tsv" for a in ANALYSES for t in ["joint", "slopes"]],
]


def snakemake(workdir: Path, cores: int, *options: str) -> subprocess.CompletedProcess:
    """Run `python -m snakemake` for the targets in workdir; options end with --configfile."""
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", str(cores), *TARGETS, *options],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )


def run_with(directory: Path, shards: int, cores: int) -> Path:
    """The workflow's bootstrap targets computed with this many shards and cores."""
    workdir = copy_workflow(directory)
    (workdir / "shards.yaml").write_text(f"bootstrap:\n  shards: {shards}\n")
    result = snakemake(workdir, cores, "--configfile", QUICK_CONFIG, "shards.yaml")
    assert result.returncode == 0, result.stderr[-5000:]
    return workdir


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    return (
        run_with(tmp_path_factory.mktemp("one_shard"), shards=1, cores=1),
        run_with(tmp_path_factory.mktemp("seven_shards"), shards=7, cores=2),
    )


def test_results_are_byte_identical_for_one_shard_on_one_core_and_seven_on_two(runs):
    one, seven = runs
    assert len(list((seven / "results/analyses/complete_case/bootstrap").glob("shard_*"))) == 7
    for relative in COMPARED:
        assert (one / relative).read_bytes() == (seven / relative).read_bytes(), relative


def test_tables_hold_model_based_and_bootstrap_rows(runs):
    directory = runs[0] / "results/analyses"
    for analysis, methods, size in [
        ("complete_case", {"wald_z", "percentile", "bca"}, "replicates"),
        ("primary", {"rubin_t", "boot_mi_vhb"}, "mi_replicates"),
    ]:
        models = pd.read_csv(directory / analysis / "models.tsv", sep="\t")
        stratum = models[(models["model"] == "product_lincom")]
        assert set(stratum["ci_method"]) == methods
        bootstrap = stratum[stratum["replicates_used"].notna()]
        replicates = bootstrap["replicates_used"] + bootstrap["replicates_failed"]
        assert (replicates == QUICK_BOOTSTRAP[size]).all()
    shards = list(directory.glob("*/bootstrap/shard_*.tsv.gz"))
    assert shards and all("patient_id" not in pd.read_csv(p, sep="\t").columns for p in shards)


def test_a_new_bootstrap_size_reruns_only_the_bootstrap_and_what_reads_it(runs):
    (runs[0] / "larger.yaml").write_text("bootstrap:\n  replicates: 400\n")
    options = ["--dry-run", "--configfile", QUICK_CONFIG, "shards.yaml", "larger.yaml"]
    result = snakemake(runs[0], 1, *options)
    assert result.returncode == 0, result.stderr[-3000:]
    jobs = {
        line.removeprefix("rule ").rstrip(":")
        for line in result.stdout.splitlines()
        if line.startswith("rule ")
    }
    assert jobs == {"bootstrap_shard", "bootstrap_intervals", "analysis_tables"}, jobs
