"""An export with a marker and a score the dictionary does not know, declared in the config,
analyses end to end in the workflow, the declared columns as covariates."""

from pathlib import Path

import pandas as pd
import pytest
from conftest import QUICK_CONFIG, copy_workflow, run_snakemake

pytestmark = pytest.mark.workflow

EXPORT_RUN = """\
data:
  baseline: exports/baseline.csv
  visits: results/synthetic/visits.csv
  extra_columns:
    il6: {type: biomarker, unit: pg/mL, min: 0, plausible_min: 0.01, plausible_max: 1000}
    audit: {type: integer, unit: points, min: 0, max: 40, required: true}
  columns:
    baseline: {il6: IL6_NGML, audit: AUDIT_TOT}
  units: {il6: ng/mL}
covariates:
  sets:
    with_extras: [age, sex, hamd_baseline, audit, il6]
  adjustment_set: with_extras
"""
TARGETS = [
    "results/tables/data_warnings.tsv",
    "results/analyses/primary/model_based/models.tsv",
    "results/analyses/complete_case/model_based/models.tsv",
]


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The primary (imputed) and complete-case models fitted on the export with extra columns."""
    workdir = copy_workflow(tmp_path_factory.mktemp("extra_columns"))
    synthetic = workdir / "results" / "synthetic"
    assert run_snakemake(workdir, "results/synthetic/baseline.csv").returncode == 0
    baseline = pd.read_csv(synthetic / "baseline.csv", dtype=str, keep_default_na=False)
    baseline["AUDIT_TOT"] = [str((7 * i) % 41) if i % 10 else "" for i in range(len(baseline))]
    baseline["IL6_NGML"] = [f"{0.0005 + (i % 50) / 10000:.4f}" for i in range(len(baseline))]
    (workdir / "exports").mkdir()
    baseline.to_csv(workdir / "exports" / "baseline.csv", index=False)
    (workdir / "export.yaml").write_text(EXPORT_RUN, encoding="utf-8")
    result = run_snakemake(workdir, *TARGETS, "--configfile", QUICK_CONFIG, "export.yaml")
    assert result.returncode == 0, result.stderr[-5000:]
    return workdir


def test_declared_columns_are_validated_and_warned_about(finished: Path) -> None:
    warnings = pd.read_csv(finished / TARGETS[0], sep="\t")
    il6 = warnings[warnings["column"] == "il6"]
    assert il6["check"].tolist() == ["unit_converted"]
    dataset = pd.read_csv(finished / "results" / "data" / "analysis_dataset.csv")
    assert dataset["il6"].min() == pytest.approx(0.5) and dataset["audit"].isna().any()


def test_declared_columns_are_covariates_of_both_analyses(finished: Path) -> None:
    for target, method in [(TARGETS[1], "rubin_t"), (TARGETS[2], "wald_z")]:
        models = pd.read_csv(finished / target, sep="\t")
        terms = models[(models["model"] == "product") & models["term"].isin(["audit", "il6"])]
        assert terms["ci_method"].tolist() == [method, method]
        assert terms["estimate"].notna().all() and (terms["status"] == "ok").all()


def test_a_bad_declaration_stops_the_run_before_any_job(finished: Path) -> None:
    clash = EXPORT_RUN.replace("    audit: {", "    age: {type: number}\n    audit: {")
    (finished / "clash.yaml").write_text(clash, encoding="utf-8")
    result = run_snakemake(finished, "-n", "--configfile", QUICK_CONFIG, "clash.yaml")
    assert result.returncode == 1
    assert "data.extra_columns.age declares 'age'" in result.stderr
    assert "Job stats" not in result.stdout
