"""Re-runs rebuild exactly what changed: Snakemake is asked what it would run (dry runs)."""

from pathlib import Path

import pytest
from conftest import planned_jobs

# Rules that summarise or show every analysis: they follow any change to one analysis.
SUMMARIES = {"sensitivity_summary", "figure_specification_curve", "all"}
RAW_TABLES = ["results/synthetic/baseline.csv", "results/synthetic/visits.csv"]


def rules(jobs) -> set[str]:
    """The rules among planned jobs."""
    return {rule for rule, _ in jobs}


def write_config(workdir: Path, name: str, text: str) -> str:
    """A configuration file of overrides in workdir; its name for --configfile."""
    (workdir / name).write_text(text)
    return name


@pytest.fixture(scope="module")
def workdir(completed_workflow: Path) -> Path:
    """The completed default run."""
    return completed_workflow


def test_nothing_to_do_after_a_complete_run(workdir: Path) -> None:
    assert planned_jobs(workdir) == {}


def test_changing_one_analysis_reruns_only_it_and_the_summaries(workdir: Path) -> None:
    config = write_config(
        workdir, "one.yaml", "analyses:\n  tertiles:\n    models: {ci_level: 0.9}\n"
    )
    jobs = planned_jobs(workdir, "--configfile", config)
    per_analysis = {wildcards for rule, wildcards in jobs if wildcards}
    assert per_analysis == {"analysis=tertiles"}
    assert rules(job for job in jobs if not job[1]) <= SUMMARIES
    assert ("fit_models", "analysis=tertiles") in jobs


def test_adding_an_analysis_runs_only_its_jobs_and_the_summaries(workdir: Path) -> None:
    config = write_config(
        workdir, "new.yaml", "analyses:\n  threshold_6:\n    outcome: {remission_threshold: 6}\n"
    )
    jobs = planned_jobs(workdir, "--configfile", config)
    assert {wildcards for _, wildcards in jobs if wildcards} == {"analysis=threshold_6"}
    assert {"analysis_dataset", "impute", "fit_models"} <= rules(jobs)
    assert rules(job for job in jobs if not job[1]) <= SUMMARIES


def test_touching_raw_inputs_without_changing_them_reruns_nothing(workdir: Path) -> None:
    for relative in RAW_TABLES:
        (workdir / relative).touch()
    assert planned_jobs(workdir) == {}


def test_changing_a_raw_value_reruns_everything_downstream(workdir: Path) -> None:
    path = workdir / RAW_TABLES[1]
    original = path.read_text()
    lines = original.splitlines(keepends=True)
    patient, week, hamd = lines[1].rstrip("\n").split(",")
    lines[1] = f"{patient},{week},{float(hamd) + 1:g}\n"
    path.write_text("".join(lines))
    try:
        jobs = rules(planned_jobs(workdir))
    finally:
        path.write_text(original)
    assert "simulate_cohort" not in jobs
    assert {"ingest_cohort", "primary_analysis_dataset", "table1", "impute", "fit_models"} <= jobs
    assert {"sensitivity_summary", "provenance"} <= jobs
