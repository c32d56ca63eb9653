"""Damaged intermediates as a user meets them: the workflow ran, a file was then cut short or
lost part of its content, and the next run's reading job stops with the file and the fix."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import QUICK_CONFIG, copy_workflow
from interplay.imputation.imputed_sets import imputed_sets_of_long
from interplay.jobs.imputed_file import read_imputed_file, write_imputed_file

pytestmark = pytest.mark.workflow

PRIMARY = "results/analyses/primary"
MODELS = f"{PRIMARY}/model_based/models.tsv"
IMPUTED = "results/imputations/primary/imputed.npz"
INTERVALS = f"{PRIMARY}/bootstrap.tsv"


def snakemake(workdir: Path, *arguments: str) -> subprocess.CompletedProcess:
    """Run `python -m snakemake` on one core; the quick configuration comes last (--configfile
    takes every following argument as a file)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            "1",
            *arguments,
            "--configfile",
            QUICK_CONFIG,
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """The primary analysis's model tables and bootstrap intervals, computed once."""
    workdir = copy_workflow(tmp_path_factory.mktemp("finished"))
    result = snakemake(workdir, MODELS, INTERVALS)
    assert result.returncode == 0, result.stderr[-5000:]
    return workdir


@pytest.fixture
def workdir(finished, tmp_path) -> Path:
    """A copy of the finished run (timestamps and Snakemake's records kept)."""
    return Path(shutil.copytree(finished, tmp_path / "run", symlinks=True))


def cut(path: Path, keep: float) -> None:
    """Keep the first share of the file's bytes, as a full disk or an interrupted copy leaves it."""
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * keep)])


def assert_refused(
    workdir: Path, target: str, damaged: str, what: str, log: str, outputs: tuple = ()
) -> None:
    """The run fails, the job's log names the damaged file and the fix, and the failed job's
    outputs (the target, unless given) are gone."""
    result = snakemake(workdir, target)
    assert result.returncode != 0
    message = (workdir / log).read_text()
    assert f"intermediate {damaged} is damaged ({what}" in message
    assert f"--forcerun {damaged}`" in message
    assert "Traceback" not in message
    for output in outputs or (target,):
        assert not (workdir / output).exists(), output


def test_truncated_imputations(workdir):
    cut(workdir / IMPUTED, 0.5)
    assert_refused(
        workdir,
        MODELS,
        IMPUTED,
        "it is not a whole .npz file",
        "results/logs/fit_models/primary.log",
    )


def test_whole_file_with_half_the_imputations_then_the_fix(finished, workdir):
    path = workdir / IMPUTED
    imputed = read_imputed_file(path).long_frame()
    write_imputed_file(imputed_sets_of_long(imputed[imputed[".imp"] <= 2]), path)
    assert_refused(
        workdir,
        MODELS,
        IMPUTED,
        "it holds imputations 1–2, missing_data.m asks for 1–4 (missing 3–4)",
        "results/logs/fit_models/primary.log",
    )
    result = snakemake(workdir, MODELS, "--forcerun", IMPUTED)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (workdir / MODELS).read_bytes() == (finished / MODELS).read_bytes()


def test_analysis_dataset_cut_mid_line(workdir):
    cut(workdir / "results/data/analysis_dataset.csv", 0.7)
    assert_refused(
        workdir,
        MODELS,
        "results/data/analysis_dataset.csv",
        "its last line is incomplete",
        "results/logs/impute/primary.log",
        (IMPUTED, "results/imputations/primary/imputed.csv.gz"),
    )


def test_shard_missing_replicates(workdir):
    path = workdir / PRIMARY / "bootstrap/shard_1.tsv.gz"
    shard = pd.read_csv(path, sep="\t")
    last = shard["replicate"].max()
    shard[shard["replicate"] < last].to_csv(path, sep="\t", index=False)
    assert_refused(
        workdir,
        INTERVALS,
        f"{PRIMARY}/bootstrap/shard_1.tsv.gz",
        f"replicates {last} of its range",
        "results/logs/bootstrap/primary/intervals.log",
    )
