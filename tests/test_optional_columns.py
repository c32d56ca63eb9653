"""A baseline export without the optional columns is valid input: the whole workflow completes."""

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import QUICK_CONFIG, copy_workflow, run_snakemake

pytestmark = pytest.mark.workflow

OPTIONAL = ["living_alone", "religious", "treatment_step"]
NOT_RUN = "not run: the baseline table has no treatment_step column, or it is empty"
# The quick configuration on the export, with the analyses that adjust for covariates or stratify.
EXPORT_RUN = """\
data:
  baseline: exports/baseline.csv
  visits: exports/visits.csv
run: [primary, complete_case, paper_covariates, by_treatment_step]
"""


def export_without_optional_columns(synthetic: Path, exports: Path) -> None:
    """Write the synthetic cohort as a hospital would export it, lacking the optional columns."""
    exports.mkdir()
    with (synthetic / "baseline.csv").open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    kept = [column for column in rows[0] if column not in OPTIONAL]
    with (exports / "baseline.csv").open("w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=kept, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    shutil.copy(synthetic / "visits.csv", exports / "visits.csv")


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workflow run to the end on the export without optional columns."""
    workdir = copy_workflow(tmp_path_factory.mktemp("optional_columns"))
    synthetic = ["results/synthetic/baseline.csv", "results/synthetic/visits.csv"]
    assert run_snakemake(workdir, *synthetic).returncode == 0
    export_without_optional_columns(workdir / "results" / "synthetic", workdir / "exports")
    (workdir / "export.yaml").write_text(EXPORT_RUN, encoding="utf-8")
    result = run_snakemake(workdir, "--configfile", QUICK_CONFIG, "export.yaml")
    assert result.returncode == 0, result.stderr[-5000:]
    return workdir


def test_stratified_analysis_says_it_was_not_run(finished: Path) -> None:
    tables = finished / "results" / "analyses" / "by_treatment_step"
    for name in ["models", "joint", "interaction", "slopes", "johnson_neyman", "predictions"]:
        table = pd.read_csv(tables / f"{name}.tsv", sep="\t")
        assert table.to_dict("list") == {"stratum": [NOT_RUN]}


def test_sensitivity_summary_and_report_say_why(finished: Path) -> None:
    summary = pd.read_csv(finished / "results" / "tables" / "sensitivity.tsv", sep="\t")
    skipped = summary[summary["analysis"] == "by_treatment_step"]
    assert skipped["stratum"].tolist() == [NOT_RUN] and skipped["estimate"].isna().all()
    primary = summary[summary["analysis"] == "primary"]
    # The stratum ORs, the ratio of ORs, RERI and the interaction contrast (for its E-values).
    assert len(primary) == 5 and primary["estimate"].notna().all()
    page = (finished / "results" / "report" / "sensitivity.html").read_text(encoding="utf-8")
    assert NOT_RUN in page


def test_analyses_with_covariates_complete(finished: Path) -> None:
    for analysis in ["primary", "paper_covariates", "complete_case"]:
        models = pd.read_csv(finished / f"results/analyses/{analysis}/models.tsv", sep="\t")
        assert models["odds_ratio"].notna().any()
