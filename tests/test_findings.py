"""The findings: every number in the text is a table value as shown, the words follow the numbers,
the robustness counts are right, and the synthetic-data line appears only for synthetic input."""

import html
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CHROMIUM_FLAGS
from interplay.errors import InputError
from interplay.labels import SYNTHETIC_NOTE, SYNTHETIC_TEXT
from interplay.report.findings import findings_documents, findings_table
from interplay.tables import read_table
from pairs import DEFAULT_PAIR

CI_LEVEL = 0.95
# A number in the text: not part of a word or label such as IL-1β, D1, LOD/2.
NUMBER = re.compile(r"(?<![\w./\-])-?\d+(?:\.\d+)?(?![\wβ])")


def model_rows(low: tuple, high: tuple) -> pd.DataFrame:
    """A models table: the two product-model combinations (Rubin and bootstrap rows), the
    product model's counts and decoys a wrong lookup would pick up."""
    rows = [
        ("product", "exposure_high", 0.4, 0.2, 0.8, "rubin_t", 0.01),
        ("stratum_modifier_low", "exposure_high", 0.6, 0.4, 0.9, "rubin_t", 0.02),
        ("product_lincom", "exposure_high|modifier_low", *low, "rubin_t", 0.000623),
        (
            "product_lincom",
            "exposure_high|modifier_low",
            low[0],
            0.3583,
            0.7576,
            "boot_mi_vhb",
            np.nan,
        ),
        ("product_lincom", "exposure_high|modifier_high", *high, "rubin_t", 0.5649),
        (
            "product_lincom",
            "exposure_high|modifier_high",
            high[0],
            0.7499,
            1.6256,
            "boot_mi_vhb",
            np.nan,
        ),
    ]
    table = pd.DataFrame(
        rows, columns=["model", "term", "odds_ratio", "ci_low", "ci_high", "ci_method", "p_value"]
    )
    table["estimate"] = np.log(table["odds_ratio"])
    return table.assign(stratum="all", n=1086, n_events=484, status="ok")


def interaction_rows(ratio: tuple, reri: tuple, ic: tuple) -> pd.DataFrame:
    """An interaction table with the model-based, MOVER and bootstrap rows and both tests."""
    low, high = "exposure_low_modifier_low", "exposure_high_modifier_high"
    rows = [
        ("ratio_of_odds_ratios", "remission", low, *ratio, "rubin_t", 0.0041),
        ("ratio_of_odds_ratios", "remission", low, 2.2, 1.3, 3.6, "boot_mi_vhb"),
        ("wald_test", "remission", low, 8.2748, None, None, "d1_f", 0.0040999, 1, 1067.2438),
        ("lr_test", "remission", low, 8.3506, None, None, "d3_f", 0.0038556, 1, 3736088.9),
        ("reri", "non_remission", high, -1.3, -2.4, -0.5, "mover"),
        ("reri", "non_remission", high, *reri, "delta_rubin_t", 0.010364),
        ("reri", "non_remission", high, -1.288, -2.354, -0.222, "boot_mi_vhb"),
        ("ic", "non_remission", high, *ic, "delta_rubin_t", 0.004591),
        ("ic", "non_remission", high, -0.1639, -0.2788, -0.049, "boot_mi_vhb"),
    ]  # fmt: skip
    columns = [
        "measure", "outcome", "reference_group", "estimate", "ci_low", "ci_high", "ci_method",
        "p_value", "df1", "df2",
    ]  # fmt: skip
    table = pd.DataFrame([row + (np.nan,) * (10 - len(row)) for row in rows], columns=columns)
    return table.assign(stratum="all", status="ok")


def sensitivity_rows(rows: list[tuple], pair: str = DEFAULT_PAIR.title) -> pd.DataFrame:
    """A sensitivity table of (analysis, stratum, estimand, low, high, status) rows of a pair."""
    table = pd.DataFrame(
        rows, columns=["analysis", "stratum", "estimand", "ci_low", "ci_high", "status"]
    )
    estimate = np.sqrt(table["ci_low"].abs() * table["ci_high"].abs())
    return table.assign(estimate=estimate, pair=pair, evalue=np.nan, evalue_ci=np.nan)


DEFAULT_SENSITIVITY = sensitivity_rows(
    [
        ("primary", "all", "exposure_or_modifier_low", 0.36, 0.76, "ok"),
        ("complete_case", "all", "exposure_or_modifier_low", 0.45, 1.02, "ok"),
        ("primary", "all", "reri", -2.14, -0.29, "ok"),
    ]
)


def crafted(
    low=(0.5248859994, 0.3630693912, 0.758822746),
    high=(1.110515961, 0.7768777793, 1.587438505),
    ratio=(2.115727915, 1.268982938, 3.527474229),
    reri=(-1.215317314, -2.143934052, -0.2867005765),
    ic=(-0.1660942325, -0.2808325958, -0.05135586911),
    sensitivity=DEFAULT_SENSITIVITY,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """models, interaction and sensitivity tables with the given (estimate, low, high)."""
    return model_rows(low, high), interaction_rows(ratio, reri, ic), sensitivity


def shown(value: float, decimals: int = 2) -> float:
    """A value rounded as the text shows it."""
    return round(float(value), decimals)


def p_shown(p_value: float) -> float:
    """A p-value as the text shows it: 3 decimals, 0.001 for '< 0.001'."""
    return 0.001 if p_value < 0.001 else shown(p_value, 3)


def allowed_numbers(row: pd.Series, models: pd.DataFrame, interaction: pd.DataFrame) -> set:
    """Every number a finding's sentence may state, read from the source tables: the estimand's
    rows (all interval methods), for the ratio the tests' statistics, df and p, the robustness
    counts, the null value and the confidence level."""
    terms = {
        "exposure_or_modifier_low": "exposure_high|modifier_low",
        "exposure_or_modifier_high": "exposure_high|modifier_high",
    }
    if row["estimand"] in terms:
        source = models[models["term"] == terms[row["estimand"]]]
        values = source[["odds_ratio", "ci_low", "ci_high"]]
    else:
        measures = [row["estimand"]]
        if row["estimand"] == "ratio_of_odds_ratios":
            measures += ["wald_test", "lr_test"]
        source = interaction[interaction["measure"].isin(measures)]
        values = source[["estimate", "ci_low", "ci_high", "df1"]]
    numbers = {shown(v) for v in values.to_numpy().ravel() if pd.notna(v)}
    numbers |= {shown(df2, 1) for df2 in source.get("df2", pd.Series()).dropna()}
    numbers |= {p_shown(p) for p in source["p_value"].dropna()}
    numbers |= {0.0, 1.0, CI_LEVEL * 100}
    if pd.notna(row["n_analyses"]):
        exceptions = row["exceptions"].split("; ") if isinstance(row["exceptions"], str) else []
        numbers |= {row["n_analyses"], row["n_analyses"] - len(exceptions)}
    return numbers


def parsed(text: str) -> list[float]:
    """The numbers of a text."""
    return [float(match) for match in NUMBER.findall(text)]


def check_numbers(
    markdown: str, findings: pd.DataFrame, models, interaction, more: dict | None = None
) -> None:
    """Every number of every finding in findings.md is a value of its source tables as shown;
    the estimate and both limits of each headline finding are among them. more: the numbers a
    row may state beyond allowed_numbers, by estimand (its own tables')."""
    bullets = [line[2:] for line in markdown.splitlines() if line.startswith("- ")]
    rows = findings[findings["sentence"].notna()]
    assert len(bullets) == len(rows)
    for bullet, (_, row) in zip(bullets, rows.iterrows(), strict=True):
        numbers = parsed(bullet)
        allowed = allowed_numbers(row, models, interaction) | (more or {}).get(
            row["estimand"], set()
        )
        assert set(numbers) <= allowed, (row["estimand"], set(numbers) - allowed)
        if pd.isna(row["ci_low"]):  # no interval: the prediction, surface and regions rows
            continue
        for column in ["estimate", "ci_low", "ci_high"]:
            assert shown(row[column]) in numbers, (row["estimand"], column)
    product = models[models["model"] == "product"].iloc[0]
    intro = next(line for line in markdown.splitlines() if line.startswith("Primary"))
    assert parsed(intro.replace(",", "")) == [product["n"], product["n_events"]]


def test_every_number_in_the_text_is_a_table_value_as_shown() -> None:
    models, interaction, sensitivity = crafted()
    findings = findings_table(models, interaction, sensitivity, CI_LEVEL, DEFAULT_PAIR)
    markdown = findings_documents(findings, models, interaction, CI_LEVEL, False, DEFAULT_PAIR)[
        "markdown"
    ]
    check_numbers(markdown, findings, models, interaction)
    low = findings.set_index("estimand").loc["exposure_or_modifier_low"]
    # Hand-rounded from the crafted rows: the Rubin row, then the bootstrap row.
    assert (
        "OR 0.52, 95% CI 0.36 to 0.76, p < 0.001; bootstrap 95% CI 0.36 to 0.76"
        in (low["sentence"])
    )
    ratio = findings.set_index("estimand").loc["ratio_of_odds_ratios"]
    assert "D1 Wald F (1, 1067.2 df) = 8.27, p = 0.004" in ratio["sentence"]
    assert "D3 likelihood-ratio F (1, ∞ df) = 8.35, p = 0.004" in ratio["sentence"]


@pytest.mark.workflow
def test_the_default_run_states_its_tables(completed_workflow) -> None:
    results = completed_workflow / "results"
    models = read_table(results / "analyses/primary/models.tsv")
    interaction = read_table(results / "analyses/primary/interaction.tsv")
    findings = read_table(results / "tables/findings.tsv")
    markdown = (results / "findings.md").read_text(encoding="utf-8")
    check_numbers(markdown, findings, models, interaction, stated_elsewhere(results))
    assert SYNTHETIC_TEXT in markdown


def stated_elsewhere(results: Path) -> dict[str, set]:
    """The numbers of the findings read from other tables: the interaction E-values
    (sensitivity.tsv), the c-statistics (prediction.tsv), the surface test and the
    Johnson–Neyman regions, as the sentences show them."""
    sensitivity = read_table(results / "tables/sensitivity.tsv")
    primary = sensitivity[
        (sensitivity["analysis"] == "primary") & (sensitivity["stratum"] == "all")
    ]
    evalues = {}
    for code, estimand in [("ratio_of_odds_ratios",) * 2, ("ic", "interaction_contrast")]:
        row = primary.loc[primary["estimand"] == estimand, ["evalue", "evalue_ci"]]
        evalues[code] = {shown(v) for v in row.to_numpy().ravel()} | {2022.0}  # Mathur et al.
    prediction = read_table(results / "tables/prediction.tsv")
    c = prediction[
        (prediction["analysis"] == "primary") & prediction["metric"].str.startswith("c_")
    ]
    surface = read_table(results / "analyses/primary/surface_test.tsv").iloc[0]
    regions = read_table(results / "analyses/primary/johnson_neyman.tsv")
    found = regions[regions["significant"].astype(str).str.upper() == "TRUE"]
    return {
        **evalues,
        "prediction_c_statistic": {
            *(shown(v, 3) for v in c[["apparent", "corrected"]].to_numpy().ravel()),
            *c["replicates"].div(c["imputations"].clip(lower=1)).round(),
        },
        "surface_test": {shown(surface["statistic"]), surface["df1"], p_shown(surface["p_value"])},
        "johnson_neyman": {
            *(shown(v, 1) for v in found[["modifier_from", "modifier_to"]].to_numpy().ravel()),
            *(shown(100 * v, 0) for v in found["observed_share"]),
            CI_LEVEL * 100,
            round((1 - CI_LEVEL) * 100, 9),
            1.0,
        },
    }


@pytest.mark.parametrize(
    ("low", "words"),
    [
        ((1.8, 1.2, 2.7), ["higher odds of remission", "the interval excludes 1"]),
        ((0.6, 0.4, 0.9), ["lower odds of remission", "the interval excludes 1"]),
        ((1.2, 0.8, 1.8), ["higher odds of remission", "the interval includes 1"]),
        ((0.9, 0.5, 1.4), ["lower odds of remission", "the interval includes 1"]),
    ],
)
def test_the_odds_ratio_words_follow_the_numbers(low, words) -> None:
    models, interaction, sensitivity = crafted(low=low)
    findings = findings_table(models, interaction, sensitivity, CI_LEVEL, DEFAULT_PAIR).set_index(
        "estimand"
    )
    sentence = findings.loc["exposure_or_modifier_low", "sentence"]
    for phrase in words:
        assert phrase in sentence


@pytest.mark.parametrize(
    ("ratio", "reri", "words"),
    [
        ((2.1, 1.3, 3.5), (-1.2, -2.1, -0.3), ["more than the product", "negative additive"]),
        ((0.5, 0.3, 0.8), (0.8, 0.2, 1.4), ["less than the product", "positive additive"]),
        ((1.1, 0.7, 1.7), (0.3, -0.2, 0.8), ["more than the product", "positive additive"]),
    ],
)
def test_the_interaction_words_follow_the_numbers(ratio, reri, words) -> None:
    models, interaction, sensitivity = crafted(ratio=ratio, reri=reri)
    findings = findings_table(models, interaction, sensitivity, CI_LEVEL, DEFAULT_PAIR).set_index(
        "estimand"
    )
    assert words[0] in findings.loc["ratio_of_odds_ratios", "sentence"]
    assert words[1] in findings.loc["reri", "sentence"]
    crosses = reri[1] < 0 < reri[2]
    expected = "the interval includes 0" if crosses else "the interval excludes 0"
    assert expected in findings.loc["reri", "sentence"]
    assert "against the IL-1β high, BDNF high group" in findings.loc["reri", "sentence"]
    assert "for non-remission" in findings.loc["reri", "sentence"]


def test_no_rendering_says_significant() -> None:
    for ratio in [(2.1, 1.3, 3.5), (1.1, 0.7, 1.7)]:
        models, interaction, sensitivity = crafted(ratio=ratio)
        findings = findings_table(models, interaction, sensitivity, CI_LEVEL, DEFAULT_PAIR)
        documents = findings_documents(findings, models, interaction, CI_LEVEL, True, DEFAULT_PAIR)
        for text in documents.values():
            assert "significan" not in text.lower()


def test_robustness_counts_whole_sample_usable_analyses() -> None:
    sensitivity = sensitivity_rows(
        [
            ("primary", "all", "exposure_or_modifier_low", 0.36, 0.76, "ok"),  # excludes 1, below
            ("complete_case", "all", "exposure_or_modifier_low", 0.45, 1.02, "ok"),  # includes 1
            ("tertiles", "all", "exposure_or_modifier_low", 1.10, 2.00, "ok"),  # excludes 1, above
            ("unadjusted", "all", "exposure_or_modifier_low", 0.40, 0.80, "ok"),  # agrees
            ("firth", "all", "exposure_or_modifier_low", 0.01, 0.02, "separated"),  # not usable
            ("by_treatment_step", "treatment_step=1", "exposure_or_modifier_low", 0.9, 1.5, "ok"),
            ("primary", "all", "exposure_or_modifier_high", 0.78, 1.59, "ok"),
            # The IC headline is the interaction_contrast estimand of the sensitivity table.
            ("primary", "all", "interaction_contrast", -0.28, -0.05, "ok"),
            ("complete_case", "all", "interaction_contrast", -0.25, 0.01, "ok"),
        ]
    )
    # An analysis of another pair answers another question: it is not counted.
    other = sensitivity_rows(
        [("il1b_age", "all", "exposure_or_modifier_low", 1.2, 1.9, "ok")], "IL-1β × Age"
    )
    sensitivity = pd.concat([sensitivity, other], ignore_index=True)
    models, interaction, _ = crafted(sensitivity=sensitivity)
    findings = findings_table(models, interaction, sensitivity, CI_LEVEL, DEFAULT_PAIR).set_index(
        "estimand"
    )
    low = findings.loc["exposure_or_modifier_low"]
    assert (low["n_analyses"], low["n_excluding_null"]) == (4, 3)
    assert low["exceptions"] == "complete_case; tertiles"
    assert low["sentence"].endswith(
        "The interval excludes 1 in 2 of 4 whole-sample analyses; the exceptions are "
        "Complete cases, Tertile groups."
    )
    high = findings.loc["exposure_or_modifier_high"]
    assert (high["n_analyses"], high["n_excluding_null"]) == (1, 0)
    assert pd.isna(high["exceptions"])
    assert high["sentence"].endswith("The interval includes 1 in the 1 whole-sample analysis.")
    ic = findings.loc["ic"]
    assert (ic["n_analyses"], ic["n_excluding_null"], ic["exceptions"]) == (2, 1, "complete_case")
    assert "The interval excludes 0 in 1 of 2 whole-sample analyses" in ic["sentence"]


def test_the_synthetic_line_appears_only_for_synthetic_input() -> None:
    models, interaction, sensitivity = crafted()
    findings = findings_table(models, interaction, sensitivity, CI_LEVEL, DEFAULT_PAIR)
    synthetic = findings_documents(findings, models, interaction, CI_LEVEL, True, DEFAULT_PAIR)
    real = findings_documents(findings, models, interaction, CI_LEVEL, False, DEFAULT_PAIR)
    for name in ["markdown", "rst", "html"]:
        assert SYNTHETIC_TEXT in synthetic[name]
        assert "ynthetic" not in real[name]
    assert synthetic["markdown"].splitlines()[2] == SYNTHETIC_NOTE


def test_a_table_without_model_based_rows_is_a_clear_error() -> None:
    models, interaction, sensitivity = crafted()
    only_bootstrap = interaction[~interaction["ci_method"].str.startswith("delta")]
    with pytest.raises(InputError, match="no model-based row for reri"):
        findings_table(models, only_bootstrap, sensitivity, CI_LEVEL, DEFAULT_PAIR)


def test_a_stratified_primary_analysis_is_a_clear_error() -> None:
    models, interaction, sensitivity = crafted()
    with pytest.raises(InputError, match="no whole-sample rows"):
        findings_table(
            models.assign(stratum="site=1"), interaction, sensitivity, CI_LEVEL, DEFAULT_PAIR
        )


FIRST_PAGE_MARKER = "interplay-first-page"
# Injected into a copy of the report: once the landing page is drawn, where (in CSS pixels from the
# top of the window) the synthetic-data line and the first finding are, and the page's text.
FIRST_PAGE_DRIVER = """
setTimeout(function () {
  function top(text) {
    var nodes = Array.from(document.querySelectorAll("p, li"));
    var node = nodes.find(function (n) { return n.textContent.indexOf(text) >= 0; });
    return node ? node.getBoundingClientRect().top : null;
  }
  var out = document.createElement("pre");
  out.id = "MARKER";
  out.textContent = JSON.stringify({
    banner: top("Synthetic data"),
    finding: top("within low BDNF"),
    height: window.innerHeight,
    text: document.body.innerText,
  });
  document.body.appendChild(out);
}, 3000);
""".replace("MARKER", FIRST_PAGE_MARKER)


def first_page(chromium: str, report: Path, scratch: Path) -> dict:
    """What headless Chromium at 1400 x 1000 px shows on the report's landing page."""
    page = report.read_text(encoding="utf-8")
    end = page.rfind("</body>")
    driven = scratch / "report.html"
    driven.write_text(f"{page[:end]}<script>{FIRST_PAGE_DRIVER}</script>{page[end:]}", "utf-8")
    command = [
        chromium,
        *CHROMIUM_FLAGS,
        "--window-size=1400,1000",
        f"--user-data-dir={scratch / 'profile'}",
        "--virtual-time-budget=30000",
        "--dump-dom",
        driven.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    match = re.search(rf'<pre id="{FIRST_PAGE_MARKER}">(.*?)</pre>', result.stdout, re.DOTALL)
    assert match, result.stderr[-2000:]
    return json.loads(html.unescape(match.group(1)))


@pytest.mark.workflow
def test_the_report_opens_with_the_findings_and_the_synthetic_line(
    browser: str,
    completed_workflow: Path,
    tmp_path: Path,
) -> None:
    from conftest import run_snakemake

    result = run_snakemake(completed_workflow, "--report", "results/report.html")
    assert result.returncode == 0, result.stderr[-3000:]
    shown_page = first_page(browser, completed_workflow / "results/report.html", tmp_path)
    assert 0 <= shown_page["banner"] < shown_page["finding"] < shown_page["height"]
    findings = read_table(completed_workflow / "results/tables/findings.tsv")
    first = findings["sentence"].dropna().iloc[0]
    assert first in " ".join(shown_page["text"].split())


def test_the_johnson_neyman_regions_are_a_row_of_the_table_and_a_line_of_the_text() -> None:
    """The row holds johnson_neyman_sentence's text, which findings.md then lists last."""
    from figure_tables import regions_table
    from interplay.report.findings import johnson_neyman_sentence

    models, interaction, sensitivity = crafted()
    regions = regions_table().assign(stratum="all")
    findings = findings_table(
        models, interaction, sensitivity, CI_LEVEL, DEFAULT_PAIR, johnson_neyman=regions
    )
    row = findings.iloc[-1]
    assert row["estimand"] == "johnson_neyman" and pd.isna(row["estimate"])
    assert row["sentence"] == johnson_neyman_sentence(regions, DEFAULT_PAIR, CI_LEVEL)
    markdown = findings_documents(findings, models, interaction, CI_LEVEL, False, DEFAULT_PAIR)
    assert markdown["markdown"].endswith(f"- {row['sentence']}\n")
    empty = findings_table(
        models, interaction, sensitivity, CI_LEVEL, DEFAULT_PAIR, johnson_neyman=regions.iloc[:0]
    )
    assert "johnson_neyman" not in set(empty["estimand"])
