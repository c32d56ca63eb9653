"""config/examples/ pairs run end to end on their synthetic scenario: a marker the data dictionary
does not know (declared in data.extra_columns) is analysed, and the findings and tables speak of
the example's labels, never of IL-1β or BDNF."""

import html
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import QUICK_CONFIG, copy_workflow, run_snakemake

pytestmark = pytest.mark.workflow

# {example: (exposure label, modifier label, the marker column)}
EXAMPLES = {
    "il6_anxiety": ("IL-6", "HADS anxiety", "il6"),
    "serotonin_age": ("Serotonin", "Age", "serotonin"),
    "tnf_sofas": ("TNF-α", "SOFAS", "tnf_alpha"),
}
# Small on top of the quick run: no bootstrap, two imputations, the example's own analyses.
SMALL = "bootstrap: {methods: []}\nmissing_data: {m: 2, iterations: 2}\n"
REPORT = "results/report.html"
# The one place the report may name the default pair: the citation of the reference analysis.
CITATION = re.compile(r"Cho et al\.[^)]*\)")
UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


@pytest.fixture(scope="module", params=list(EXAMPLES))
def finished(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The whole workflow of the example, then its report."""
    name = request.param
    workdir = copy_workflow(tmp_path_factory.mktemp(name))
    (workdir / "small.yaml").write_text(SMALL, encoding="utf-8")
    configs = ["--configfile", QUICK_CONFIG, f"config/examples/{name}.yaml", "small.yaml"]
    for arguments in ([], ["--report", REPORT]):
        result = run_snakemake(workdir, *arguments, *configs)
        assert result.returncode == 0, result.stderr[-5000:]
    return name, workdir


def test_the_scenario_marker_reaches_the_dataset(finished: tuple[str, Path]) -> None:
    name, workdir = finished
    marker = EXAMPLES[name][2]
    baseline = pd.read_csv(workdir / "results" / "synthetic" / "baseline.csv", dtype=str)
    assert marker in baseline.columns
    dataset = pd.read_csv(workdir / "results" / "data" / "analysis_dataset.csv")
    assert dataset["exposure"].notna().all() and (dataset["exposure"] > 0).all()


def test_findings_name_the_example_labels(finished: tuple[str, Path]) -> None:
    name, workdir = finished
    exposure, modifier, _ = EXAMPLES[name]
    findings = (workdir / "results" / "findings.md").read_text(encoding="utf-8")
    assert exposure in findings and modifier in findings
    assert "IL-1β" not in findings and "BDNF" not in findings
    labels = pd.read_csv(workdir / "results" / "tables" / "findings.tsv", sep="\t")["label"]
    assert labels.str.contains(f"{exposure} OR at", regex=False).sum() == 2
    assert not labels.str.contains("IL-1β|BDNF").any()


def test_paper_table_keeps_generic_codes(finished: tuple[str, Path]) -> None:
    _, workdir = finished
    table2 = pd.read_csv(workdir / "results" / "tables" / "table2.tsv", sep="\t")
    assert set(table2["biomarker"]) <= {"exposure", "modifier"}


def test_the_report_reads_with_the_example_names(finished: tuple[str, Path]) -> None:
    """The report names the example's exposure and modifier, and the default pair only where it
    cites the reference analysis."""
    name, workdir = finished
    exposure, modifier, _ = EXAMPLES[name]
    # The report embeds its pages as JSON strings: decode their \\uXXXX escapes to read the text.
    raw = (workdir / REPORT).read_text(encoding="utf-8")
    text = html.unescape(UNICODE_ESCAPE.sub(lambda match: chr(int(match[1], 16)), raw))
    assert text.count(exposure) > 20 and text.count(modifier) > 20
    assert not re.search("IL-1β|BDNF", CITATION.sub("", text))
