"""Data governance end to end: a user's cohort with warnings and small cells, run with
privacy.min_cell_count; no patient ID and no small count reaches the aggregate outputs."""

import base64
import html
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import copy_workflow, run_snakemake
from interplay.figures.cohort import NOT_DRAWN_NOTE, OTHER_PATTERNS

pytestmark = pytest.mark.workflow

MIN_CELL_COUNT = 10
# IDs as a hospital writes them; they cannot be confused with numbers in the outputs.
ID_PATTERN = re.compile(r"PX\d{4}Q")
COUNT_COLUMNS = {
    "flow": ["n", "excluded"],
    "data_warnings": ["n_affected"],
    "table1_by_remission": ["n", "n_missing", "count"],
    "table1_by_biomarker_group": ["n", "n_missing", "count"],
    "joint": ["n", "remitters", "non_remitters"],
    "models": ["n", "n_events"],
    "missingness": ["n_missing"],
    "sensitivity": ["n", "n_events"],
}
PAGE_COUNT_COLUMNS = {
    "flow.html": ["Patients", "Excluded"],
    "warnings.html": ["Patients affected"],
    "primary/joint.html": ["Patients", "Events", "Non-events"],
    "primary/models.html": ["n", "Events"],
    "table1_by_remission.html": ["Missing"],
    "table1_by_biomarker_group.html": ["Missing"],
}


def user_cohort(workdir: Path) -> list[str]:
    """Rewrite the synthetic cohort as a user's export with triggered warnings; return its IDs.

    Two IL-1β values 1000 times too large (outlier warning), religious missing for every third
    patient (missing-value warning); 8 patients without follow-up leave the flow (below 10).
    """
    baseline = pd.read_csv(workdir / "results/synthetic/baseline.csv", dtype=str)
    visits = pd.read_csv(workdir / "results/synthetic/visits.csv", dtype=str)
    ids = {old: f"PX{4821 + i}Q" for i, old in enumerate(baseline["patient_id"])}
    baseline["patient_id"] = baseline["patient_id"].map(ids)
    visits["patient_id"] = visits["patient_id"].map(ids)
    measured = baseline.index[pd.to_numeric(baseline["il1b"], errors="coerce").notna()]
    for row in measured[:2]:
        baseline.loc[row, "il1b"] = str(float(baseline.loc[row, "il1b"]) * 1000)
    baseline.loc[baseline.index % 3 == 0, "religious"] = ""
    export = workdir / "export"
    export.mkdir()
    baseline.to_csv(export / "baseline.csv", index=False)
    visits.to_csv(export / "visits.csv", index=False)
    return list(ids.values())


@pytest.fixture(scope="module")
def protected_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The workflow on the user's cohort with min_cell_count 10, and its report."""
    workdir = copy_workflow(tmp_path_factory.mktemp("privacy"))
    synthetic = ["results/synthetic/baseline.csv", "results/synthetic/visits.csv"]
    result = run_snakemake(workdir, *synthetic)
    assert result.returncode == 0, result.stderr[-3000:]
    ids = user_cohort(workdir)
    config = yaml.safe_load((workdir / "config.yaml").read_text())
    config["data"] |= {"baseline": "export/baseline.csv", "visits": "export/visits.csv"}
    config["privacy"] = {"min_cell_count": MIN_CELL_COUNT}
    config["missing_data"]["m"] = 3
    config["bootstrap"]["methods"] = []  # no counts to protect
    # bootstrap.analyses and paper_tables.analyses follow run: primary only.
    config["run"] = ["primary", "lod_exclude", "by_treatment_step"]
    (workdir / "config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    result = run_snakemake(workdir)
    assert result.returncode == 0, result.stderr[-5000:]
    result = run_snakemake(workdir, "--report", "results/report.html")
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir, ids


def aggregate_files(workdir: Path) -> list[Path]:
    """Every file a user may share: tables, analysis tables, SVG figures, report pages, report."""
    results = workdir / "results"
    return [
        *results.glob("tables/*.tsv"),
        *results.glob("analyses/*/*.tsv"),
        *results.glob("figures/**/*.svg"),
        *results.glob("report/**/*.html"),
        results / "report.html",
    ]


def readable_text(path: Path) -> str:
    """A file's text, with the base64-embedded files of a Snakemake report decoded."""
    text = path.read_text(encoding="utf-8", errors="replace")
    # Searched decoded, not as base64 text, where an ID-like string could occur by chance.
    embedded = re.compile(r"base64,([A-Za-z0-9+/=]{16,})")
    decoded = [
        base64.b64decode(chunk).decode("utf-8", errors="replace")
        for chunk in embedded.findall(text)
    ]
    return "\n".join([embedded.sub("", text), *decoded])


def test_no_patient_id_in_any_aggregate_file(protected_run: tuple[Path, list[str]]) -> None:
    workdir, ids = protected_run
    files = aggregate_files(workdir)
    assert len(files) > 20
    for path in files:
        assert not ID_PATTERN.search(readable_text(path)), f"patient ID in {path}"
    detail = pd.read_csv(workdir / "results/data/data_warnings_by_patient.tsv", sep="\t")
    assert set(detail["check"]) >= {"outlier", "missing_fraction"}
    assert set(detail["patient_id"]) <= set(ids)
    assert len(detail.loc[detail["check"] == "outlier", "patient_id"]) == 2
    log = (workdir / "results/logs/ingest_cohort.log").read_text()
    assert ID_PATTERN.search(log)


def shown_counts(column: pd.Series) -> pd.Series:
    """The counts a column shows (NA, the suppressed marker and blanks removed)."""
    return pd.to_numeric(column.astype(str).str.replace(",", ""), errors="coerce").dropna()


def test_no_small_count_in_the_tables(protected_run: tuple[Path, list[str]]) -> None:
    workdir, _ = protected_run
    results = workdir / "results"
    checked = 0
    for path in [*results.glob("tables/*.tsv"), *results.glob("analyses/*/*.tsv")]:
        if path.stem not in COUNT_COLUMNS:
            continue
        table = pd.read_csv(path, sep="\t")
        if table.empty:  # e.g. the missingness of an analysis without covariates
            continue
        assert table["suppressed"].dtype == bool, path
        for column in COUNT_COLUMNS[path.stem]:
            counts = shown_counts(table[column])
            assert not counts.between(1, MIN_CELL_COUNT - 1).any(), f"{path}: {column}"
            checked += 1
    assert checked >= 15
    flow = pd.read_csv(results / "tables/flow.tsv", sep="\t")
    assert flow["excluded"].isna().any()  # the 8 without follow-up
    assert flow["n"].iloc[-1] == 1086  # the analytic sample is shown in every model table
    # A sensitivity analysis's flow repeats the primary stages and hides what the primary hides.
    lod_exclude = pd.read_csv(results / "analyses/lod_exclude/flow.tsv", sep="\t")
    hidden = flow.set_index("stage")[["n", "excluded"]].isna()
    again = lod_exclude.set_index("stage").loc[hidden.index, ["n", "excluded"]].isna()
    assert hidden.to_numpy().any() and (again | ~hidden).to_numpy().all()


class TableParser(HTMLParser):
    """The header and rows of the one table of a report page, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(html.unescape("".join(self.cell)))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def page_table(path: Path) -> pd.DataFrame:
    """The table of a report page."""
    parser = TableParser()
    parser.feed(path.read_text(encoding="utf-8"))
    header, *rows = parser.rows
    return pd.DataFrame(rows, columns=header)


def test_no_small_count_on_the_report_pages(protected_run: tuple[Path, list[str]]) -> None:
    workdir, _ = protected_run
    report = workdir / "results/report"
    for page, columns in PAGE_COUNT_COLUMNS.items():
        table = page_table(report / page)
        for column in columns:
            counts = shown_counts(table[column])
            assert not counts.between(1, MIN_CELL_COUNT - 1).any(), f"{page}: {column}"
    assert "suppressed" in page_table(report / "flow.html")["Excluded"].tolist()
    assert len(page_table(report / "privacy.html")) == len(
        pd.read_csv(workdir / "results/tables/privacy.tsv", sep="\t")
    )
    for page in ["table1_by_remission.html", "table1_by_biomarker_group.html"]:
        table = page_table(report / page)
        # Group columns lie between Characteristic and p, Test, SMD, Missing; n (%) cells only.
        summaries = table.iloc[:, 1:-4].stack()
        leading = pd.to_numeric(summaries.str.extract(r"^(\d+) \(")[0], errors="coerce")
        assert not leading.between(1, MIN_CELL_COUNT - 1).any(), page


def test_privacy_table_lists_every_suppressed_count(protected_run: tuple[Path, list[str]]) -> None:
    workdir, _ = protected_run
    results = workdir / "results"
    listed = pd.read_csv(results / "tables/privacy.tsv", sep="\t")
    assert list(listed.columns) == ["table", "row", "column", "reason"]
    primary = listed["reason"].str.startswith("below the minimum cell count (10)")
    assert primary.any() and (~primary).any()
    flow = listed[listed["table"] == "results/tables/flow.tsv"]
    assert ("stage = with_post_baseline_hamd", "excluded") in set(
        zip(flow["row"], flow["column"], strict=True)
    )
    for path in [*results.glob("tables/*.tsv"), *results.glob("analyses/*/*.tsv")]:
        if path.stem in COUNT_COLUMNS:
            named = f"results/{path.relative_to(results).as_posix()}"
            if pd.read_csv(path, sep="\t")["suppressed"].any():
                assert (listed["table"] == named).any(), named


def test_small_strata_keep_their_estimates_and_hide_their_counts(
    protected_run: tuple[Path, list[str]],
) -> None:
    results = protected_run[0] / "results"
    models = pd.read_csv(results / "analyses/by_treatment_step/models.tsv", sep="\t")
    hidden = models["n_events"].isna()
    assert hidden.any() and models.loc[hidden, "odds_ratio"].notna().all()
    sensitivity = pd.read_csv(results / "tables/sensitivity.tsv", sep="\t")
    product = models[models["model"] == "product"].drop_duplicates("stratum")
    stratified = sensitivity[sensitivity["analysis"] == "by_treatment_step"]
    for row in product.itertuples(index=False):
        shown = stratified.loc[stratified["stratum"] == row.stratum, "n_events"]
        assert shown.isna().all() == pd.isna(row.n_events), row.stratum
    assert sensitivity["evalue"].notna().any()


def svg_texts(path: Path, axes_only: bool = False) -> list[str]:
    """The text of an SVG figure; with axes_only, only the tick labels of its main axes."""
    texts = []

    def walk(element: ElementTree.Element, groups: list[str]) -> None:
        if element.tag.endswith("}text"):
            texts.append((groups, "".join(element.itertext())))
        for child in element:
            name = element.get("id", "") if element.tag.endswith("}g") else ""
            walk(child, [*groups, name] if name else groups)

    walk(ElementTree.parse(path).getroot(), [])
    if not axes_only:
        return [text for _, text in texts]
    # Secondary axes (variable names, missing variables per pattern) nest as axes_2, axes_3.
    return [
        text
        for groups, text in texts
        if "axes_1" in groups
        and not {"axes_2", "axes_3"} & set(groups)
        and any(group.startswith("matplotlib.axis") for group in groups)
    ]


def test_no_small_count_in_the_sample_figures(protected_run: tuple[Path, list[str]]) -> None:
    results = protected_run[0] / "results"
    listed = pd.read_csv(results / "tables/privacy.tsv", sep="\t")
    patterns = svg_texts(results / "figures/missing_pattern.svg", axes_only=True)
    assert OTHER_PATTERNS in patterns
    counts = shown_counts(pd.Series(patterns))
    assert len(counts) > 10 and not counts.between(1, MIN_CELL_COUNT - 1).any()
    assert (listed["table"] == "results/figures/missing_pattern.png").sum() > 1
    biomarkers = svg_texts(results / "figures/biomarkers.svg")
    below = [text for text in biomarkers if text.startswith("Below LOD, n = ")]
    assert len(below) == 1
    below_count = shown_counts(pd.Series([below[0].removeprefix("Below LOD, n = ")]))
    assert not below_count.between(1, MIN_CELL_COUNT - 1).any()
    bars = listed[listed["table"] == "results/figures/biomarkers.png"]
    assert len(bars) > 0 and NOT_DRAWN_NOTE in biomarkers
