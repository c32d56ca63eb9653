"""The report's HTML table pages, built from the result tables (interplay.report.pages)."""

import html
import re

import numpy as np
import pandas as pd
import pytest
from interplay.describe.table1 import table1
from interplay.errors import InputError
from interplay.labels import ci_method_label, codes_with_labels
from interplay.report.pages import (
    DISPLAYS,
    flatten,
    html_page,
    interaction_display,
    joint_display,
    models_display,
    provenance_display,
    report_page,
    sensitivity_display,
    table1_display,
)
from interplay.sensitivity.summary import SENSITIVITY_COLUMNS
from pairs import DEFAULT_PAIR, IL6_HADS

# ---------------------------------------------------------------- table pages


def test_page_escapes_text_and_aligns_numbers() -> None:
    table = pd.DataFrame({"term": ["<script>alert(1)</script>"], "p": ["<0.001"], "n": ["1,086"]})
    page = html_page("Models & more", table, note="a <b>note</b>")
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "Models &amp; more" in page and "a &lt;b&gt;note&lt;/b&gt;" in page
    assert '<td class="number">&lt;0.001</td>' in page
    assert '<td class="number">1,086</td>' in page


def test_empty_table_keeps_its_header_and_says_none() -> None:
    page = html_page("Data warnings", pd.DataFrame(columns=["table", "column", "message"]))
    assert "<th>message</th>" in page and '<td colspan="3">None</td>' in page


def test_models_display_formats_odds_ratios_intervals_and_p() -> None:
    models = pd.DataFrame(
        {
            "model": ["product"],
            "term": ["exposure_high:modifier_high"],
            "odds_ratio": [2.115728],
            "ci_low": [1.268983],
            "ci_high": [3.527474],
            "p_value": [0.0004],
            "ci_method": ["rubin_t"],
            "n": [1086],
            "n_events": [484],
            "fmi": [0.0026],
        }
    )
    row = models_display(models, DEFAULT_PAIR).iloc[0]
    assert (row["OR"], row["CI"], row["p"], row["FMI"]) == (
        "2.12",
        "1.27 to 3.53",
        "<0.001",
        "0.00",
    )
    assert row["CI method"] == "Wald (Rubin's rules)"


def joint_table() -> pd.DataFrame:
    """joint.tsv of the primary analysis: each non-reference group with a model-based (Rubin)
    row and a bootstrap row, as analysis_tables writes it."""
    rows = [
        ("low", "low", 241, 113, 128, 1.0, np.nan, np.nan, np.nan, "not_defined", "TRUE", np.nan),
        ("low", "high", 302, 147, 155, 1.098998, 0.766730, 1.575258, 0.6121, "rubin_t", "FALSE",
         "rubin_t"),
        ("low", "high", 302, 147, 155, 1.117027, 0.788189, 1.583059, 0.5321, "boot_mi_t", "FALSE",
         "boot_mi_vhb"),
        ("high", "low", 302, 98, 204, 0.524886, 0.363069, 0.758823, 0.0006, "rubin_t", "FALSE",
         "rubin_t"),
        ("high", "low", 302, 98, 204, 0.521055, 0.358367, 0.757600, 0.0007, "boot_mi_t", "FALSE",
         "boot_mi_vhb"),
    ]  # fmt: skip
    columns = ["exposure_level", "modifier_level", "n", "remitters", "non_remitters", "odds_ratio"]
    columns += ["ci_low", "ci_high", "p_value", "p_value_method", "is_reference", "ci_method"]
    return pd.DataFrame(rows, columns=columns).assign(stratum="all", status="ok")


def test_joint_display_one_row_per_group_with_the_bootstrap_interval_beside() -> None:
    shown = joint_display(joint_table(), DEFAULT_PAIR)
    assert shown["Group"].tolist() == [
        "IL-1β low, BDNF low",
        "IL-1β low, BDNF high",
        "IL-1β high, BDNF low",
    ]
    assert shown["OR"].tolist() == ["1 (reference)", "1.10", "0.52"]
    assert shown["CI"].tolist() == ["", "0.77 to 1.58", "0.36 to 0.76"]
    assert shown["CI method"].tolist() == ["", "Wald (Rubin's rules)", "Wald (Rubin's rules)"]
    assert shown["Bootstrap, then impute CI"].tolist() == ["", "0.79 to 1.58", "0.36 to 0.76"]
    assert shown["p"].tolist() == ["", "0.612", "<0.001"]
    assert shown.columns.get_loc("p") == shown.columns.get_loc("CI method") + 1
    assert shown["p by a t test (bootstrap, then impute)"].tolist() == ["", "0.532", "<0.001"]
    assert "Stratum" not in shown


def interaction_table() -> pd.DataFrame:
    """Part of interaction.tsv: the ratio of ORs (Rubin and bootstrap), its D1 test, RERI with
    delta-method, bootstrap and MOVER intervals, and a standardised risk (no reference)."""
    low = "exposure_low_modifier_low"
    rows = [
        ("ratio_of_odds_ratios", "multiplicative", "remission", low, 2.115728, 1.268983, 3.527474,
         "rubin_t", 0.0041),
        ("ratio_of_odds_ratios", "multiplicative", "remission", low, 2.118924, 1.257544, 3.570324,
         "boot_mi_vhb", np.nan),
        ("wald_test", "multiplicative", "remission", low, 8.274797, np.nan, np.nan, "d1_f", 0.0041,
         1, 1067.2438),
        ("reri", "additive", "non_remission", "exposure_high_modifier_high", -1.215317, -2.143934,
         -0.286701, "delta_rubin_t", 0.0104),
        ("reri", "additive", "non_remission", "exposure_high_modifier_high", -1.288351, -2.354319,
         -0.222383, "boot_mi_vhb", np.nan),
        ("reri", "additive", "non_remission", "exposure_high_modifier_high", -1.215242, -2.379625,
         -0.450934, "mover", np.nan),
        ("risk_exposure_low_modifier_low", "risk", "non_remission", np.nan, 0.531432, 0.470438,
         0.592426, "delta_rubin_t", np.nan),
    ]  # fmt: skip
    columns = ["measure", "scale", "outcome", "reference_group", "estimate", "ci_low"]
    columns += ["ci_high", "ci_method", "p_value", "df1", "df2"]
    table = pd.DataFrame([row + (np.nan,) * (11 - len(row)) for row in rows], columns=columns)
    return table.assign(stratum="all", status="ok")


def with_replicate_counts(table: pd.DataFrame, counts: dict[int, tuple]) -> pd.DataFrame:
    """The table with replicates_used / _failed / _firth / _undefined set on the given rows."""
    columns = ["replicates_used", "replicates_failed", "replicates_firth", "replicates_undefined"]
    out = table.assign(**{column: np.nan for column in columns})
    for row, values in counts.items():
        out.loc[row, columns] = values
    return out


def test_the_page_names_the_intervals_that_leave_resamples_out() -> None:
    """S_RR and S undefined in 29 of 200 resamples, RERI with 3 failed fits: the note says so;
    the ratio of ORs, using all 200, is not named."""
    table = pd.concat(
        [
            interaction_table(),
            pd.DataFrame(
                {"measure": ["s_rr"], "scale": "additive_risk", "outcome": "non_remission",
                 "reference_group": "exposure_high_modifier_high", "estimate": 0.21,
                 "ci_low": 0.05, "ci_high": 0.94, "ci_method": "boot_mi_vhb", "p_value": 0.04,
                 "stratum": "all", "status": "ok"}
            ),
        ],
        ignore_index=True,
    )  # fmt: skip
    table = pd.concat([table, table.tail(1).assign(measure="s", scale="additive")])
    counts = {1: (200, 0, 0, 0), 4: (197, 3, 0, 0), 7: (171, 29, 0, 29), 8: (171, 29, 0, 29)}
    table = with_replicate_counts(table.reset_index(drop=True), counts)
    page = report_page("interaction", table, pair=DEFAULT_PAIR)
    assert (
        "Synergy index (risks) and Synergy index (S) [Bootstrap, then impute]: undefined in 29 of "
        "200 resamples each; their intervals use the other 171." in page
    )
    assert (
        "RERI (relative excess risk due to interaction) [Bootstrap, then impute]: fits failed in 3 "
        "of 200 resamples; its interval uses the other 197." in page
    )
    assert "Ratio of odds ratios [" not in page and "probably too narrow" in page
    clean = with_replicate_counts(interaction_table(), {1: (200, 0, 0, 0)})
    assert "left out" not in report_page("interaction", clean, pair=DEFAULT_PAIR)


def test_interaction_display_in_labels_one_row_per_measure() -> None:
    shown = interaction_display(interaction_table(), DEFAULT_PAIR).set_index("Measure")
    assert shown.index.tolist() == [
        "Ratio of odds ratios",
        "Wald test of the product term",
        "RERI (relative excess risk due to interaction)",
        "Standardised risk, IL-1β low, BDNF low",
    ]
    assert shown.loc["Wald test of the product term", "CI method / test"] == (
        "D1 Wald F (1, 1067.2 df)"
    )
    reri = shown.loc["RERI (relative excess risk due to interaction)"]
    assert reri["Outcome, against"] == "Non-remission, against IL-1β high, BDNF high"
    assert (reri["CI"], reri["MOVER CI"], reri["Bootstrap, then impute CI"]) == (
        "-2.144 to -0.287",
        "-2.380 to -0.451",
        "-2.354 to -0.222",
    )
    assert shown.loc["Standardised risk, IL-1β low, BDNF low", "Outcome, against"] == (
        "Non-remission"
    )


def test_interaction_display_gives_every_extra_interval_its_p_column() -> None:
    # The risk-scale measures have a second delta-method row (over the covariate distribution),
    # which is neither an inverted interval nor a bootstrap: its p column is named by its method.
    table = interaction_table()
    marginal = (
        table[table["measure"] == "reri"]
        .iloc[:1]
        .assign(ci_method="delta_marginal_rubin_t", p_value=0.0105)
    )
    table = pd.concat([table, marginal], ignore_index=True)
    table["p_value_method"] = np.where(table["p_value"].isna(), "not_defined", table["ci_method"])
    shown = interaction_display(table, DEFAULT_PAIR)
    columns = shown.columns.tolist()
    assert columns[columns.index("CI method / test") + 1] == "p"  # the model-based p by its CI
    reri = shown.set_index("Measure").loc["RERI (relative excess risk due to interaction)"]
    marginal_words = ci_method_label("delta_marginal_rubin_t")
    assert reri[f"{marginal_words} CI"] == "-2.144 to -0.287"
    assert reri[f"p ({marginal_words})"] == "0.011"
    assert reri["p by inverting the MOVER interval"] == "not defined"


def test_models_page_shows_exposure_terms_not_intercepts_or_covariates() -> None:
    terms = [
        "intercept",
        "exposure_high",
        "modifier_high",
        "exposure_high:modifier_high",
        "age",
        "sex_male",
    ]
    models = pd.DataFrame(
        {
            "stratum": "all",
            "model": "product",
            "term": terms,
            "odds_ratio": [1.5, 0.52, 1.10, 2.12, 1.01, 0.9],
            "ci_low": 0.5,
            "ci_high": 3.0,
            "p_value": 0.2,
            "ci_method": "rubin_t",
            "n": 1086,
            "n_events": 484,
        }
    )
    shown = models_display(models, DEFAULT_PAIR)
    assert shown["Term"].tolist() == [
        "IL-1β high vs low",
        "BDNF high vs low",
        "IL-1β high × BDNF high (ratio of ORs)",
    ]
    assert set(shown["Model"]) == {"IL-1β × BDNF product term"}


def sensitivity_table() -> pd.DataFrame:
    """Two rows of sensitivity.tsv: a RERI whose contrast names its outcome and reference group
    in codes, and a stratum of the by-treatment-step analysis."""
    contrast = (
        "IL-1β above vs below its median; non_remission, reference exposure_high_modifier_high"
    )
    rows = [
        {
            "analysis": "complete_case",
            "stratum": "all",
            "estimand": "reri",
            "contrast": contrast,
            "estimate": -0.82,
            "ci_low": -1.75,
            "ci_high": 0.12,
            "ci_method": "delta_wald_z",
            "p_value": 0.087,
            "n": 882,
            "n_events": 405,
        },
        {
            "analysis": "by_treatment_step",
            "stratum": "treatment_step=2",
            "estimand": "exposure_or_modifier_low",
            "contrast": "IL-1β above vs below its median",
            "estimate": 0.45,
            "ci_low": 0.23,
            "ci_high": 0.89,
            "ci_method": "wald_z",
            "p_value": 0.02,
            "n": 280,
            "n_events": 126,
        },
    ]
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)


def test_sensitivity_contrast_and_interval_method_in_words() -> None:
    shown = sensitivity_display(sensitivity_table(), DEFAULT_PAIR)
    assert shown["Contrast"].iloc[0] == (
        "IL-1β above vs below its median; Non-remission, reference IL-1β high, BDNF high"
    )
    assert shown["CI method"].tolist() == ["Delta method", "Wald"]
    assert shown["Analysis"].tolist() == ["Complete cases", "By treatment step"]
    assert shown["Stratum"].iloc[1] == "Treatment step reached by week 12: 2"
    assert shown["Events / n"].iloc[1] == "126 / 280"


def test_sensitivity_rows_in_their_own_analysis_pair_words() -> None:
    table = sensitivity_table().assign(analysis=["primary", "il6_anxiety"], stratum="all")
    table["contrast"] = [table["contrast"].iloc[0], "IL-6 above vs below its median"]
    pairs = {"primary": DEFAULT_PAIR, "il6_anxiety": IL6_HADS}
    shown = sensitivity_display(table, DEFAULT_PAIR, pairs)
    assert shown["Pair"].tolist() == ["IL-1β × BDNF", "IL-6 × HADS anxiety"]
    assert shown["Estimand"].iloc[1] == "IL-6 OR at HADS anxiety < 12"
    assert shown["Contrast"].iloc[0].endswith("reference IL-1β high, BDNF high")
    # One pair: no Pair column.
    assert "Pair" not in sensitivity_display(table, DEFAULT_PAIR, dict.fromkeys(pairs, IL6_HADS))
    page = report_page("sensitivity", table, pair=DEFAULT_PAIR, pairs=pairs)
    assert "IL-6 OR at HADS anxiety &lt; 12" in page and "BDNF &lt; 12" not in page


def test_sensitivity_analysis_without_a_pair_is_an_input_error() -> None:
    with pytest.raises(InputError, match="il6_anxiety"):
        sensitivity_display(
            sensitivity_table().assign(analysis=["primary", "il6_anxiety"]),
            DEFAULT_PAIR,
            {"primary": DEFAULT_PAIR},
        )


def table1_dataset(n: int = 40) -> pd.DataFrame:
    """A seeded analysis dataset: 25 non-remitters and 15 remitters, a binary, a categorical and
    the post-baseline treatment step (listed first here, to see it moved last)."""
    rng = np.random.default_rng(12)
    outcome = np.r_[np.zeros(25), np.ones(15)]
    return pd.DataFrame(
        {
            "outcome": outcome,
            "treatment_step": rng.integers(1, 4, n).astype(float),
            "age": rng.normal(55, 12, n),
            "unmarried": (rng.random(n) < 0.3).astype(float),
            "sex": rng.choice(["female", "male"], n),
            "il1b_below_lod": (rng.random(n) < 0.2).astype(float),
            "exposure_high": np.tile([0, 1], n // 2),
            "modifier_high": np.repeat([0, 1], n // 2),
        }
    )


def test_table1_display_headers_binary_rows_labels_and_post_baseline_last() -> None:
    variables = ["treatment_step", "age", "unmarried", "sex", "il1b_below_lod"]
    shown = table1_display(
        table1(table1_dataset(), DEFAULT_PAIR, variables=variables), DEFAULT_PAIR
    )
    assert list(shown.columns[:4]) == [
        "Characteristic",
        "Overall (n\u00a0=\u00a040)",
        "Non-remission (n\u00a0=\u00a025)",
        "Remission (n\u00a0=\u00a015)",
    ]
    names = shown["Characteristic"].tolist()
    assert names[:2] == ["Age (years), mean ± SD", "Unmarried, n (%)"]
    assert names[2:5] == ["Sex, n (%)", "\u2003Female", "\u2003Male"]
    assert names[5] == "IL-1β below the limit of detection, n (%)"
    assert names[6] == "Treatment step reached by week 12 (post-baseline), n (%)"
    assert len(names) == 10 and names[7:] == ["\u20031", "\u20032", "\u20033"]


def test_table1_group_n_counts_patients_missing_a_value() -> None:
    data = table1_dataset()
    data.loc[[0, 1, 30], "age"] = np.nan
    shown = table1_display(
        table1(data, DEFAULT_PAIR, by="biomarker_group", variables=["age"]), DEFAULT_PAIR
    )
    assert list(shown.columns[1:6]) == [
        "Overall (n\u00a0=\u00a040)",
        "IL-1β low / BDNF low (n\u00a0=\u00a010)",
        "IL-1β low / BDNF high (n\u00a0=\u00a010)",
        "IL-1β high / BDNF low (n\u00a0=\u00a010)",
        "IL-1β high / BDNF high (n\u00a0=\u00a010)",
    ]
    assert shown["Missing"].tolist() == ["3"]


def test_table1_names_another_pair_columns_by_their_labels() -> None:
    data = table1_dataset().rename(columns={"il1b_below_lod": "il6_below_lod"})
    data["il6"] = np.linspace(0.5, 8.0, len(data))
    data["hads_anxiety"] = np.tile([4.0, 14.0], len(data) // 2)
    shown = table1_display(
        table1(data, IL6_HADS, variables=["il6", "il6_below_lod", "hads_anxiety"]), IL6_HADS
    )
    names = [name.partition(", ")[0] for name in shown["Characteristic"]]
    assert names == [
        "IL-6 (pg/mL)",
        "IL-6 below the limit of detection",
        "HADS anxiety (points)",
    ]


def test_table1_group_n_suppressed_where_every_row_hides_it() -> None:
    table = table1(table1_dataset(), DEFAULT_PAIR, variables=["age", "unmarried"])
    remission = table["group"] == "Remission"
    table.loc[remission, "n"] = np.nan
    table.loc[remission & (table["variable"] == "age"), "n"] = 15
    assert "Remission (n\u00a0=\u00a015)" in table1_display(table, DEFAULT_PAIR).columns
    table.loc[remission, "n"] = np.nan
    assert "Remission (n\u00a0=\u00a0suppressed)" in table1_display(table, DEFAULT_PAIR).columns


def code_pattern() -> re.Pattern:
    """Any registry code that has a label, as a whole word ('rubin_t', not in 'rubin_texts')."""
    codes = sorted(codes_with_labels(DEFAULT_PAIR), key=len, reverse=True)
    return re.compile(r"(?<![\w|:])(" + "|".join(map(re.escape, codes)) + r")(?![\w|:])")


def test_no_page_cell_shows_a_labelled_code() -> None:
    pages = [
        joint_display(joint_table(), DEFAULT_PAIR),
        interaction_display(interaction_table(), DEFAULT_PAIR),
        sensitivity_display(sensitivity_table(), DEFAULT_PAIR),
        table1_display(
            table1(
                table1_dataset(), DEFAULT_PAIR, variables=["treatment_step", "sex", "unmarried"]
            ),
            DEFAULT_PAIR,
        ),
    ]
    pattern = code_pattern()
    found = {
        text
        for page in pages
        for text in [*page.columns, *page.astype(str).to_numpy().ravel()]
        if pattern.search(text)
    }
    assert found == set()
    assert pattern.search("d1_f rubin_t") and not pattern.search("Wald (Rubin's rules)")


def test_long_provenance_values_wrap_and_parts_come_in_order() -> None:
    covariates = [f"covariate_number_{i}" for i in range(20)]
    record = {"config": {"covariates": covariates}, "python": "3.11.7", "inputs": {"a.csv": "ab"}}
    shown = provenance_display(record, DEFAULT_PAIR)
    assert shown["Part"].tolist() == ["Software", "Input checksums (SHA-256)", "Configuration"]
    page = report_page("provenance", record, pair=DEFAULT_PAIR)
    assert '<td class="long">covariate_number_0, covariate_number_1' in page


def test_provenance_is_flattened_to_dotted_keys() -> None:
    record = {"packages": {"pandas": "3.1.1"}, "config": {"models": {"ci_level": 0.95}, "x": []}}
    assert flatten(record) == [
        ("config.models.ci_level", "0.95"),
        ("config.x", ""),
        ("packages.pandas", "3.1.1"),
    ]


def test_every_report_page_holds_a_table() -> None:
    samples = {
        "flow": pd.DataFrame(
            {"stage": ["enrolled"], "n": [10], "excluded": [0], "reason": [np.nan]}
        ),
        "cutpoints": pd.DataFrame(
            {
                "role": ["exposure"],
                "column": ["il1b"],
                "coding": ["median"],
                "cut": ["median"],
                "value": [0.57],
                "unit": ["pg/mL"],
                "lod": [np.nan],
                "n_patients": [pd.NA],
            }
        ),
        "warnings": pd.DataFrame(columns=["table", "column", "check", "n_affected", "message"]),
        "sensitivity": pd.DataFrame(
            [{"analysis": "by_treatment_step", "stratum": "not run: no treatment_step column"}],
            columns=SENSITIVITY_COLUMNS,
        ),
        "privacy": pd.DataFrame(columns=["table", "row", "column", "reason"]),
        "provenance": {"python": "3.11.7"},
    }
    for name, data in samples.items():
        page = report_page(name, data, pair=DEFAULT_PAIR)
        title = DISPLAYS[name][0].format(exposure="IL-1β", modifier="BDNF")
        assert page.count("<table>") == 1 and f"<h1>{html.escape(title)}" in page
