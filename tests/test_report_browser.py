"""The Snakemake report in a real browser: every section, result, caption and page as a reader
opens them in headless Chromium."""

import html
import json
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from conftest import CHROMIUM_FLAGS, run_snakemake
from interplay.labels import codes_with_labels

pytestmark = pytest.mark.workflow

# workflow/rules/figures_functions.smk's REPORT_FINDINGS ... REPORT_PROVENANCE, in reading order.
REPORT_SECTIONS = [
    "01 Findings",
    "02 Participant flow",
    "03 Baseline characteristics",
    "04 Paper tables",
    "05 Interaction",
    "06 Continuous models",
    "07 Prediction",
    "08 Sensitivity analyses",
    "09 Bootstrap",
    "10 Data quality",
    "11 Methods",
    "12 Provenance",
]
RESULT_MARKER = "interplay-browser-test"
# Report pages of text, not a table: the methods section (workflow/rules/methods.smk).
PROSE_PAGES = {"results/report/methods.html"}
# Injected into a copy of the report: opens every category and subcategory the way a reader does,
# clicks each result's view button and its info button, and records what the page then shows —
# the decoded image size, or the table page behind the frame, and whether the caption appears.
DRIVER = """
(function () {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const plain = (text) => {
    const node = document.createElement("div");
    node.innerHTML = text;
    return node.textContent.replace(/\\s+/g, " ").trim();
  };
  async function shown(path) {
    const entry = results[path];
    const content = document.querySelector("#app .grow.flex.items-center");
    if (entry.mime_type.startsWith("image/")) {
      const img = content && content.querySelector("img");
      if (!img) return { kind: "image", error: "no image shown" };
      for (let i = 0; i < 200 && !(img.complete && img.naturalWidth > 0); i++) await sleep(50);
      return { kind: "image", same: img.getAttribute("src") === entry.data_uri,
               width: img.naturalWidth, height: img.naturalHeight };
    }
    const frame = content && content.querySelector("iframe");
    if (!frame) return { kind: "html", error: "no frame shown" };
    const page = new DOMParser().parseFromString(
      new TextDecoder().decode(Uint8Array.from(atob(entry.data_uri.split(",")[1]),
                                               (c) => c.charCodeAt(0))), "text/html");
    return { kind: "html", same: frame.getAttribute("src") === entry.data_uri,
             tables: page.querySelectorAll("table").length,
             rows: page.querySelectorAll("tbody tr").length,
             paragraphs: page.querySelectorAll("p").length,
             title: (page.querySelector("h1") || { textContent: "" }).textContent,
             text: page.body.textContent.replace(/\\s+/g, " ") };
  }
  async function walk() {
    const found = {};
    for (const category of Object.keys(categories)) {
      for (const subcategory of Object.keys(categories[category])) {
        const open = async () => {
          app.setView({ navbarMode: "subcategory", category: category, subcategory: subcategory });
          await sleep(100);
          return document.querySelectorAll("nav tbody tr");
        };
        const count = (await open()).length;
        for (let i = 0; i < count; i++) {
          (await open())[i].querySelectorAll("td:last-child a")[0].click();
          await sleep(100);
          const path = app.state.resultPath;
          const record = await shown(path);
          (await open())[i].querySelectorAll("td:last-child a")[1].click();
          await sleep(100);
          const caption = plain(results[path].caption).slice(0, 60);
          const navigation = document.querySelector("nav").textContent.replace(/\\s+/g, " ");
          record.caption = caption.length > 0 && navigation.includes(caption);
          record.caption_text = plain(results[path].caption);
          record.category = category;
          found[path] = record;
        }
      }
    }
    return found;
  }
  function publish(value) {
    const out = document.createElement("pre");
    out.id = "MARKER";
    out.textContent = JSON.stringify(value);
    document.body.appendChild(out);
  }
  window.addEventListener("load", () => setTimeout(() => walk().then(
    (found) => publish({ found: found, sections: Object.keys(categories).sort() }),
    (error) => publish({ error: String(error) })), 200));
})();
""".replace("MARKER", RESULT_MARKER)


@pytest.fixture(scope="module")
def report(browser: str, completed_workflow: Path) -> Path:
    """`snakemake --report` of the session's workflow run, as the README documents it."""
    result = run_snakemake(completed_workflow, "--report", "results/report.html")
    assert result.returncode == 0, result.stderr[-3000:]
    return completed_workflow / "results" / "report.html"


@pytest.fixture(scope="module")
def rendered(browser: str, report: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What headless Chromium shows for every result of the report, per result path."""
    scratch = tmp_path_factory.mktemp("browser")
    page = report.read_text(encoding="utf-8")
    end = page.rfind("</body>")
    driven = scratch / "report.html"
    driven.write_text(f"{page[:end]}<script>{DRIVER}</script>\n{page[end:]}", encoding="utf-8")
    command = [
        browser,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={scratch / 'profile'}",
        "--virtual-time-budget=120000",
        "--dump-dom",
        driven.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    match = re.search(rf'<pre id="{RESULT_MARKER}">(.*?)</pre>', result.stdout, re.DOTALL)
    assert match, "the report's page script never finished: " + result.stderr[-2000:]
    outcome = json.loads(html.unescape(match.group(1)))
    assert "error" not in outcome, outcome
    return outcome


def report_files(workdir: Path) -> dict[str, str]:
    """Every file the report must show: the PNG figures and the HTML table pages, by kind."""
    results = workdir / "results"
    files = {p: "image" for p in (results / "figures").rglob("*.png")}
    files.update({p: "html" for p in (results / "report").rglob("*.html")})
    return {str(path.relative_to(workdir)): kind for path, kind in files.items()}


def test_every_figure_and_table_is_shown(rendered: dict, completed_workflow: Path) -> None:
    expected = report_files(completed_workflow)
    assert len(expected) >= 18
    assert {path: record["kind"] for path, record in rendered["found"].items()} == expected


def test_figures_decode_at_full_resolution(rendered: dict, completed_workflow: Path) -> None:
    images = {p: r for p, r in rendered["found"].items() if r["kind"] == "image"}
    for path, record in images.items():
        png = (completed_workflow / path).read_bytes()
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert record["same"], path
        assert (record["width"], record["height"]) == (width, height), path


def test_table_pages_show_their_tables(rendered: dict) -> None:
    pages = {p: r for p, r in rendered["found"].items() if r["kind"] == "html"}
    for path, record in pages.items():
        if path in PROSE_PAGES:
            assert record["same"] and record["paragraphs"] >= 1, path
        else:
            assert record["same"] and record["tables"] == 1 and record["rows"] >= 1, path
        assert record["title"], path


def test_every_result_shows_its_caption(rendered: dict) -> None:
    missing = [path for path, record in rendered["found"].items() if not record["caption"]]
    assert missing == []


def test_no_caption_shows_a_python_value(rendered: dict) -> None:
    # A caption template given the wrong kind of words prints "{'label': 'IL-1β', ...}".
    leaked = {
        path: record["caption_text"]
        for path, record in rendered["found"].items()
        if re.search(r"\{'|\{\{|\}\}", record["caption_text"])
    }
    assert leaked == {}


def test_report_sections_in_reading_order(rendered: dict) -> None:
    shown = rendered["sections"]
    assert set(shown) <= set(REPORT_SECTIONS) and "02 Participant flow" in shown
    assert shown == [section for section in REPORT_SECTIONS if section in shown]


def test_report_pages_and_vector_figures_hold_no_patient_identifiers(
    report: Path, completed_workflow: Path
) -> None:
    dataset = pd.read_csv(
        completed_workflow / "results/data/analysis_dataset.csv", dtype={"patient_id": str}
    )
    identifiers = re.compile("|".join(re.escape(i) for i in dataset["patient_id"]))
    results = completed_workflow / "results"
    texts = [report, *(results / "report").rglob("*.html"), *(results / "figures").rglob("*.svg")]
    # Embedded files are checked in their own plain-text form above; base64 could match by chance.
    embedded = re.compile(r"data:[^\"'\s)]+")
    leaking = [
        str(path)
        for path in texts
        if identifiers.search(embedded.sub("", path.read_text(encoding="utf-8")))
    ]
    assert leaking == []


def test_every_figure_caption_says_the_data_are_synthetic(rendered: dict) -> None:
    images = {p: r for p, r in rendered["found"].items() if r["kind"] == "image"}
    assert [p for p, r in images.items() if "Synthetic data" not in r["caption_text"]] == []


def test_no_page_shows_a_code_that_has_a_label(rendered: dict) -> None:
    # The provenance page lists configuration keys, which are codes by nature; a file path
    # (analyses/complete_case/models.tsv) is not a label either.
    codes = [re.compile(rf"(?<![\w/.]){re.escape(code)}(?![\w/.])") for code in codes_with_labels()]
    shown = {
        path: [c.pattern for c in codes if c.search(record["text"])]
        for path, record in rendered["found"].items()
        if record["kind"] == "html" and "provenance" not in path
    }
    assert {path: found for path, found in shown.items() if found} == {}
