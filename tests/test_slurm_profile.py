"""What each job asks a cluster for: set with its rule, the SLURM profile adds only the cluster."""

import re

import pytest
import yaml
from conftest import PLANNED_JOB, REPO, copy_workflow, run_snakemake

# Memory (MB) and wall time (minutes) of the submitted jobs on their first attempt, as the SLURM
# profile asked before the rules carried them: the floors of JOB_SIZES, which a small cohort gets.
SUBMITTED = {
    "simulate_cohort": (1000, 10),
    "ingest_cohort": (1000, 10),
    "primary_analysis_dataset": (1000, 10),
    "analysis_dataset": (1000, 10),
    "impute": (2000, 30),
    "fit_models": (2000, 30),
    "fit_models_final": (2000, 30),
    "bootstrap_shard": (2000, 60),
    "bootstrap_intervals": (2000, 30),
    "prediction": (2000, 30),
    "surface": (2000, 30),
}
# The small aggregation, figure and report rules that run on the submit host.
LOCAL = {
    "table1",
    "privacy_table",
    "provenance",
    "analysis_tables",
    "sensitivity_summary",
    "pairs_summary",
    "figure_pairs",
    "findings",
    "report_tables",
    "report_analysis_tables",
    "figure_flow",
    "figure_analysis_flow",
    "figure_biomarkers",
    "figure_missing_pattern",
    "figure_remission_rates",
    "figure_forest",
    "figure_predictions",
    "figure_johnson_neyman",
    "figure_specification_curve",
    "figure_bootstrap",
    "figure_surface",
    "report_surface_test",
    "methods",
    "paper_tables",
    "prediction_table",
    "report_prediction",
    "figure_decision_curve",
}


RULE_FILES = sorted((REPO / "workflow" / "rules").glob("*.smk"))


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    """(rule, job body) of every job a dry run through the profile plans."""
    workdir = copy_workflow(tmp_path_factory.mktemp("slurm_profile"))
    result = run_snakemake(workdir, "--dry-run", "--profile", "profiles/slurm")
    assert result.returncode == 0, result.stderr[-3000:]
    return PLANNED_JOB.findall(result.stdout + result.stderr)


def requested(body: str) -> tuple[int, int]:
    """The memory (MB) and wall time (minutes) a planned job asks for."""
    line = re.search(r"^    resources: (.*)$", body, re.MULTILINE).group(1)
    values = dict(item.split("=", 1) for item in line.split(", "))
    return int(values["mem_mb"]), int(values["runtime"])


def local_rules() -> set[str]:
    """The rules marked `localrule: True` in the rule files, and their `use rule` copies (which
    inherit it)."""
    text = "".join(path.read_text(encoding="utf-8") for path in RULE_FILES)
    rules = re.findall(r"^rule (\w+):\n((?:    .*\n)*)", text, re.MULTILINE)
    local = {rule for rule, body in rules if "\n    localrule: True\n" in f"\n{body}"}
    copies = re.findall(r"^use rule (\w+) as (\w+)", text, re.MULTILINE)
    return local | {copy for base, copy in copies if base in local}


@pytest.mark.workflow
def test_submitted_jobs_ask_for_their_kind_of_resources(planned) -> None:
    # The target rule `all` runs nothing, so it is never submitted.
    submitted = {rule: requested(body) for rule, body in planned if rule not in LOCAL | {"all"}}
    assert submitted == SUBMITTED


def test_small_rules_run_on_the_submit_host() -> None:
    assert local_rules() == LOCAL


def test_the_profile_holds_only_cluster_settings() -> None:
    profile = yaml.safe_load((REPO / "profiles/slurm/config.yaml").read_text(encoding="utf-8"))
    assert "set-resources" not in profile
    assert set(profile["default-resources"]) == {"slurm_partition", "slurm_account"}


# Dummy inputs (sparse files: no disk used) of a cohort far above the default one, about 9 million
# patients: every submitted job reading patient rows asks for more than its floor.
BIG_INPUT_BYTES = 1_000_000_000
GROWING = {"ingest_cohort", "impute", "fit_models", "bootstrap_shard"}


@pytest.mark.workflow
def test_jobs_ask_for_more_with_a_big_cohort(tmp_path) -> None:
    workdir = copy_workflow(tmp_path)
    for path in ["big/baseline.csv", "big/visits.csv", "results/data/analysis_dataset.csv"]:
        (workdir / path).parent.mkdir(parents=True, exist_ok=True)
        with open(workdir / path, "wb") as handle:
            handle.truncate(BIG_INPUT_BYTES)
    (workdir / "big.yaml").write_text(
        "data: {baseline: big/baseline.csv, visits: big/visits.csv}\n", encoding="utf-8"
    )
    # Only the jobs that read the big files, with the dataset taken as it is.
    result = run_snakemake(
        workdir,
        "--dry-run",
        "--profile",
        "profiles/slurm",
        "--configfile",
        "big.yaml",
        "--allowed-rules",
        *GROWING,
        "--",
        "results/data/baseline.csv",
        "results/analyses/primary/model_based/models.tsv",
        "results/analyses/primary/bootstrap/shard_0.tsv.gz",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    planned = {rule: requested(body) for rule, body in PLANNED_JOB.findall(result.stdout)}
    assert set(planned) == GROWING
    for rule, (mem_mb, runtime) in planned.items():
        assert mem_mb > SUBMITTED[rule][0] and runtime > SUBMITTED[rule][1], rule


@pytest.mark.workflow
def test_prediction_and_surface_do_not_wait_on_the_held_reference_cell(planned) -> None:
    """They fit their own models and never read primary's model_based/interaction.tsv."""
    inputs = [
        (rule, re.search(r"^    input: (.*)$", body, re.MULTILINE).group(1))
        for rule, body in planned
        if rule in {"prediction", "surface"}
    ]
    assert {rule for rule, _ in inputs} == {"prediction", "surface"}
    assert [(rule, files) for rule, files in inputs if "model_based" in files] == []
