"""A failing job exits non-zero, leaves no output, and its log holds what is needed to debug it."""

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import copy_workflow, run_snakemake
from interplay.errors import InputError
from interplay.jobs.runner import run


def job(tmp_path: Path) -> SimpleNamespace:
    """What Snakemake hands a script: its log and output paths."""
    return SimpleNamespace(
        log=[str(tmp_path / "results" / "logs" / "fit_models" / "primary.log")],
        output=[str(tmp_path / "models.tsv"), str(tmp_path / "joint.tsv")],
    )


def write_first_output(smk: SimpleNamespace) -> None:
    """Part of a job's work: one of its outputs written."""
    pd.DataFrame({"term": ["exposure_high"]}).to_csv(smk.output[0], sep="\t", index=False)


def main_with_a_bug(smk: SimpleNamespace) -> None:
    """A script body that fails deep inside pandas, as a KeyError on a missing column does."""
    write_first_output(smk)
    pd.DataFrame({"age": [50]})["living_alone"]


def main_with_bad_input(smk: SimpleNamespace) -> None:
    """A script body that finds a problem with the user's data."""
    write_first_output(smk)
    raise InputError("bdnf does not vary", file="baseline", column="bdnf", fix="check it")


def test_unexpected_error_writes_its_traceback_to_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    smk = job(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        run(smk, main_with_a_bug)
    assert stopped.value.code == 1
    log = Path(smk.log[0]).read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "KeyError: 'living_alone'" in log
    assert "in main_with_a_bug" in log  # the failing frame is there to debug from
    terminal = capsys.readouterr().err
    assert "Traceback" not in terminal
    assert f"the full traceback is in {smk.log[0]}" in terminal
    assert len(terminal.splitlines()) <= 3
    assert not any(Path(path).exists() for path in smk.output)


def test_input_error_is_a_message_in_terminal_and_log(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    smk = job(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        run(smk, main_with_bad_input)
    assert stopped.value.code == 1
    terminal = capsys.readouterr().err
    assert "interplay input error: bdnf does not vary" in terminal and "Traceback" not in terminal
    log = Path(smk.log[0]).read_text(encoding="utf-8")
    assert "fix: check it" in log and "Traceback" not in log
    assert not any(Path(path).exists() for path in smk.output)


@pytest.mark.workflow
def test_workflow_job_with_a_bug_leaves_its_traceback_in_the_rule_log(tmp_path: Path) -> None:
    workdir = copy_workflow(tmp_path)
    script = workdir / "workflow" / "scripts" / "simulate_cohort.py"
    written = "    write_cohort(cohort, smk.output.baseline, smk.output.visits, smk.output.truth)\n"
    assert written in script.read_text(encoding="utf-8")
    bug = written + '    smk.params.synthetic["no_such_setting"]\n'
    script.write_text(script.read_text(encoding="utf-8").replace(written, bug), encoding="utf-8")
    result = run_snakemake(workdir, "results/synthetic/baseline.csv")
    assert result.returncode != 0
    log = (workdir / "results" / "logs" / "simulate_cohort.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log and "KeyError: 'no_such_setting'" in log
    assert "the full traceback is in results/logs/simulate_cohort.log" in result.stderr
    assert not (workdir / "results" / "synthetic" / "baseline.csv").exists()
