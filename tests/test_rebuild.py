"""Re-runs rebuild exactly what changed: Snakemake is asked what it would run (dry runs)."""

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import PLANNED_JOB, REPO, planned_jobs, run_snakemake

pytestmark = pytest.mark.workflow

# Rules that summarise or show every analysis, or record the whole configuration (provenance and
# its page in the report, the methods paragraph): they follow any change to one analysis.
SUMMARIES = {
    "sensitivity_summary",
    "findings",
    "methods",
    "figure_specification_curve",
    "provenance",
    "privacy_table",
    "report_tables",
    "all",
}
CONFIG_ANALYSES = yaml.safe_load((REPO / "config.yaml").read_text())["analyses"]
RAW_TABLES = ["results/synthetic/baseline.csv", "results/synthetic/visits.csv"]
# The model jobs: fit_models for the analyses with a bootstrap, fit_models_final for the others.
FIT_RULES = {"fit_models", "fit_models_final"}
# Characters of a "params changed" reason: the changed settings' digests, not their values.
MAX_PARAMS_REASON = 400


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
    assert ("fit_models_final", "analysis=tertiles") in jobs
    assert "impute" not in rules(jobs)  # tertiles shares the primary analysis's imputation


def test_analyses_with_equal_imputation_inputs_share_one_imputation(workdir: Path) -> None:
    jobs = planned_jobs(workdir, "--forcerun", "results/imputations/primary/imputed.npz")
    assert {w for r, w in jobs if r == "impute"} == {"imputation=primary"}
    refits = {w for r, w in jobs if r in FIT_RULES}
    # The analyses that share primary's imputation refit; under models.additive_reference
    # primary every other analysis of the pair holds primary's reference cell, read from its
    # interaction table, so it refits after primary does.
    assert refits == {f"analysis={a}" for a in CONFIG_ANALYSES}


def test_an_analysis_with_its_own_imputation_settings_gets_its_own(workdir: Path) -> None:
    config = write_config(
        workdir, "own_m.yaml", "analyses:\n  tertiles:\n    missing_data: {m: 5}\n"
    )
    jobs = planned_jobs(workdir, "--configfile", config)
    assert {w for r, w in jobs if r == "impute"} == {"imputation=tertiles"}
    assert {w for _, w in jobs if w} == {"analysis=tertiles", "imputation=tertiles"}


def test_an_analysis_without_covariates_gets_no_imputation_job(workdir: Path) -> None:
    # unadjusted imputes (method mice) but has nothing to impute: its jobs use copies of its
    # dataset, the imputations that job would write (common.smk imputes_nothing).
    jobs = planned_jobs(workdir, "--forceall")
    imputations = {w for r, w in jobs if r == "impute"}
    assert "imputation=unadjusted" not in imputations
    assert "imputation=primary" in imputations
    assert ("fit_models_final", "analysis=unadjusted") in jobs


def test_adding_an_analysis_to_the_bootstrap_runs_only_its_bootstrap(workdir: Path) -> None:
    config = write_config(
        workdir, "more.yaml", "bootstrap:\n  analyses: [primary, complete_case, tertiles]\n"
    )
    jobs = planned_jobs(workdir, "--configfile", config)
    # Its model-based tables are already there (fit_models_final wrote them): no refit.
    assert {(r, w) for r, w in jobs if w} == {
        *(("bootstrap_shard", f"analysis=tertiles, shard={shard}") for shard in range(4)),
        ("bootstrap_intervals", "analysis=tertiles"),
        ("analysis_tables", "analysis=tertiles"),
    }
    assert rules(job for job in jobs if not job[1]) <= SUMMARIES


def test_removing_an_analysis_from_the_bootstrap_refits_only_it(workdir: Path) -> None:
    config = write_config(workdir, "fewer.yaml", "bootstrap:\n  analyses: [primary]\n")
    jobs = planned_jobs(workdir, "--configfile", config)
    # Its final tables now come from fit_models_final, without bootstrap rows.
    assert {(r, w) for r, w in jobs if w} == {("fit_models_final", "analysis=complete_case")}
    assert rules(job for job in jobs if not job[1]) <= SUMMARIES | {"paper_tables"}


def test_a_changed_setting_is_one_short_reason_per_job(workdir: Path) -> None:
    config = write_config(workdir, "levels.yaml", "models:\n  ci_level: 0.9\n")
    result = run_snakemake(workdir, "--dry-run", "--configfile", config)
    assert result.returncode == 0, result.stderr[-3000:]
    jobs = PLANNED_JOB.findall(result.stdout + result.stderr)
    reasons = [re.findall(r"^    reason: (.*)$", body, re.MULTILINE) for _, body in jobs]
    assert all(len(found) == 1 for found in reasons)
    params = [found[0] for found in reasons if found[0].startswith("Params have changed")]
    for reason in params:  # digests and changed scalars, no dictionaries of settings
        assert len(reason) <= MAX_PARAMS_REASON and "{" not in reason, reason
    # Each analysis's fit job reruns: for its own changed settings, or (holding primary's
    # reference cell) because primary's interaction table is rebuilt first.
    fits = [found[0] for (rule, _), found in zip(jobs, reasons, strict=True) if rule in FIT_RULES]
    assert len(fits) == len(CONFIG_ANALYSES)
    assert all("settings:" in reason or "updated by another job" in reason for reason in fits)


def test_adding_an_analysis_runs_only_its_jobs_and_the_summaries(workdir: Path) -> None:
    config = write_config(
        workdir, "new.yaml", "analyses:\n  threshold_6:\n    outcome: {remission_threshold: 6}\n"
    )
    jobs = planned_jobs(workdir, "--configfile", config)
    # Its own dataset, so its own imputation, named after it.
    assert {wildcards for _, wildcards in jobs if wildcards} == {
        "analysis=threshold_6",
        "imputation=threshold_6",
    }
    assert {"analysis_dataset", "impute", "fit_models_final"} <= rules(jobs)
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


def readme_block(marker: str) -> str:
    """The code block after `<!-- marker -->` in the README."""
    text = (REPO / "README.md").read_text()
    block = re.search(rf"<!-- {marker} -->\n```\w*\n(.*?)```", text, re.DOTALL)
    assert block, f"README lacks the {marker} block"
    return block.group(1)


def test_the_readme_example_rule_file_runs_only_its_jobs(workdir: Path) -> None:
    (workdir / "workflow/rules/hamd_change.smk").write_text(readme_block("example-rule"))
    (workdir / "workflow/scripts/hamd_change.py").write_text(readme_block("example-script"))
    snakefile = workdir / "Snakefile"
    original = snakefile.read_text()
    included = original.replace(
        'include: "workflow/rules/report.smk"\n',
        'include: "workflow/rules/report.smk"\ninclude: "workflow/rules/hamd_change.smk"\n',
    )
    assert included != original
    snakefile.write_text(included)
    try:
        jobs = planned_jobs(workdir)
        result = run_snakemake(workdir, "results/analyses/primary/hamd_change.tsv")
    finally:
        snakefile.write_text(original)
    assert rules(jobs) == {"hamd_change", "all"}
    assert len(jobs) == len(CONFIG_ANALYSES) + 1
    assert result.returncode == 0, result.stderr[-3000:]
    table = pd.read_csv(workdir / "results/analyses/primary/hamd_change.tsv", sep="\t")
    assert table["count"].sum() == 1086


def test_changing_a_library_module_reruns_only_the_jobs_that_import_it(workdir: Path) -> None:
    module = workdir / "workflow/scripts/interplay/sensitivity/summary.py"
    original = module.read_text()
    module.write_text(original + "\n# a change\n")
    try:
        jobs = rules(planned_jobs(workdir))
    finally:
        module.write_text(original)
    # report_tables renders the sensitivity table as a report page; privacy_table gathers the
    # suppression log that sensitivity_summary writes; findings reads the table's robustness.
    assert jobs == {
        "sensitivity_summary",
        "findings",
        "figure_specification_curve",
        "report_tables",
        "privacy_table",
        "all",
    }


def test_changing_a_figure_setting_reruns_only_figures(workdir: Path) -> None:
    config = write_config(workdir, "figures.yaml", "figures:\n  dpi: 150\n")
    jobs = rules(planned_jobs(workdir, "--configfile", config))
    # The methods paragraph quotes provenance.json, which records the whole configuration.
    records = {"all", "provenance", "report_tables", "methods"}
    assert jobs - records, "nothing re-runs"
    assert all(rule.startswith("figure_") for rule in jobs - records)
