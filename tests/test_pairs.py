"""The cross-pair summary: which analyses represent a pair, their key estimates, Holm and
Benjamini–Hochberg adjustments across pairs, and its figure and report page."""

import copy
import subprocess

import numpy as np
import pandas as pd
import pytest
from conftest import rscript_or_skip
from interplay.figures.pairs import pairs_figure
from interplay.figures.style import FigureStyle
from interplay.jobs.settings import analysis_settings
from interplay.pair import pair_from_settings, pair_key
from interplay.report.pages import report_page
from interplay.sensitivity.pairs import (
    PAIRS_COLUMNS,
    adjusted_p_values,
    pair_analyses,
    pairs_table,
    protected_pairs,
)
from interplay.sensitivity.summary import coding_words
from pairs import CONFIG
from test_sensitivity import tables

ANXIETY = {
    "column": "hads_anxiety", "label": "HADS anxiety", "unit": None, "kind": "scale",
    "transform": "per_sd", "split": "threshold", "threshold": 12, "high_if": "at_or_above",
    "lod": None,
}  # fmt: skip
IL6 = {
    "column": "il6", "label": "IL-6", "unit": "pg/mL", "kind": "biomarker", "transform": "none",
    "split": "median", "threshold": None, "high_if": "at_or_above", "lod": None,
}  # fmt: skip
SMOKER = {
    "column": "smoker", "label": "Smoking", "unit": "", "kind": "binary", "transform": "none",
    "split": "binary", "threshold": None, "high_if": "at_or_above", "lod": None,
}  # fmt: skip
UNITS = {"hads_anxiety": "points"}


def config_with(analyses: dict, run: object = "all") -> dict:
    """The shipped configuration with these analyses (and selection)."""
    config = copy.deepcopy(CONFIG)
    config["analyses"] = analyses
    config["run"] = run
    return config


def all_settings(config: dict) -> dict:
    """Every analysis's settings, in config order."""
    return {name: analysis_settings(config, name, UNITS) for name in config["analyses"]}


def test_the_default_configuration_studies_one_pair_and_gets_no_pairs_table() -> None:
    assert pair_analyses(all_settings(CONFIG)) == []


def test_each_pair_is_represented_by_its_first_unstratified_analysis_primary_first() -> None:
    config = config_with(
        {
            "anxiety_stratified": {
                "pair": {"modifier": ANXIETY},
                "models": {"stratify_by": "treatment_step"},
            },
            "anxiety": {"pair": {"modifier": ANXIETY}},
            "tertiles": {"pair": {"coding": "tertiles"}},  # the primary pair, coded otherwise
            "primary": {},
            "il6_anxiety": {"pair": {"exposure": IL6, "modifier": ANXIETY}},
            "anxiety_again": {"pair": {"modifier": ANXIETY, "below_lod": "lod_half"}},
        }
    )
    assert pair_analyses(all_settings(config)) == ["primary", "anxiety", "il6_anxiety"]


def test_coding_words_say_how_each_variable_is_compared() -> None:
    pair = pair_from_settings({"exposure": IL6, "modifier": ANXIETY}, UNITS)
    default = pair_from_settings(CONFIG["pair"])
    smoking = pair_from_settings({"exposure": IL6, "modifier": SMOKER}).modifier
    assert coding_words(pair.modifier, "split") == "≥ 12 vs < 12 points"
    assert coding_words(pair.exposure, "split") == "above vs at or below median"
    assert coding_words(smoking, "split") == "yes vs no"
    assert coding_words(pair.exposure, "tertiles") == "top vs bottom tertile"
    assert coding_words(pair.exposure, "continuous") == "per 1 pg/mL of IL-6"
    assert coding_words(pair.modifier, "continuous") == "per SD of HADS anxiety"
    assert coding_words(default.exposure, "continuous") == "per doubling of IL-1β"
    above = pair_from_settings(
        {"exposure": IL6, "modifier": {**ANXIETY, "high_if": "above"}}, UNITS
    ).modifier
    assert coding_words(above, "split") == "> 12 vs ≤ 12 points"


def test_holm_and_benjamini_hochberg_match_a_hand_computation() -> None:
    # Holm: sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04, then the
    # running maximum: 0.02, 0.03, 0.06, 0.06. BH: from the largest, p × 4 / rank = 0.04, 0.04,
    # 0.02, 0.02, then the running minimum from the top: 0.04, 0.04, 0.02, 0.02.
    adjusted = adjusted_p_values(pd.Series([0.01, 0.04, 0.03, 0.005]))
    np.testing.assert_allclose(adjusted["p_holm"], [0.03, 0.06, 0.06, 0.02], rtol=1e-12)
    np.testing.assert_allclose(adjusted["p_bh"], [0.02, 0.04, 0.04, 0.02], rtol=1e-12)


def test_adjustments_match_r_p_adjust_leaving_missing_p_values_out() -> None:
    # R 4: p <- c(0.012, 0.2, NA, 0.04, 0.0009, 0.5); p.adjust(p, "holm"); p.adjust(p, "BH")
    # (NA is left out of the number of tests, as here).
    adjusted = adjusted_p_values(pd.Series([0.012, 0.2, np.nan, 0.04, 0.0009, 0.5]))
    holm = [0.048, 0.4, np.nan, 0.12, 0.0045, 0.5]
    bh = [0.03, 0.25, np.nan, 0.2 / 3, 0.0045, 0.5]
    np.testing.assert_allclose(adjusted["p_holm"], holm, rtol=1e-12)
    np.testing.assert_allclose(adjusted["p_bh"], bh, rtol=1e-12)


def pair_settings() -> dict:
    """Two pairs: the primary (median split) and IL-6 × HADS anxiety ≥ 12, both continuous."""
    config = config_with(
        {
            "primary": {},
            "il6_anxiety": {"pair": {"exposure": IL6, "modifier": ANXIETY, "coding": "continuous"}},
        }
    )
    return all_settings(config)


def pair_tables() -> dict:
    """Hand-made tables of each analysis (test_sensitivity's, another interaction p-value)."""
    other = tables()
    models = other["models"]
    models.loc[models["term"] == "exposure_scaled:modifier_scaled", "p_value"] = 0.04
    return {"primary": tables(), "il6_anxiety": other}


def test_the_pairs_table_has_one_row_per_pair_with_names_estimates_and_adjustments() -> None:
    table = pairs_table(pair_settings(), pair_tables())
    assert list(table.columns) == PAIRS_COLUMNS
    primary, other = (row for _, row in table.iterrows())
    assert (primary["exposure"], primary["modifier"]) == ("IL-1β", "BDNF")
    assert (other["exposure"], other["modifier"]) == ("IL-6", "HADS anxiety")
    assert other["exposure_coding"] == "per 1 pg/mL of IL-6"
    assert other["modifier_coding"] == "per SD of HADS anxiety"
    # Split coding: the product model's rows; RERI from the delta-method row.
    assert primary["exposure_or_modifier_low"] == 0.5
    assert primary["exposure_or_modifier_high_ci_high"] == 1.6
    assert primary["ratio_of_odds_ratios"] == 2.1
    assert primary["reri"] == -1.25
    assert (primary["n"], primary["n_events"], primary["ci_method"]) == (1000, 450, "rubin_t")
    # Continuous coding: slopes at the modifier's quartiles, the continuous product, no RERI.
    assert other["exposure_or_modifier_low"] == 0.91
    assert other["ratio_of_odds_ratios_ci_low"] == 0.97
    assert np.isnan(other["reri"])
    assert list(table["p_interaction"]) == [0.01, 0.04]
    # Two tests: Holm 0.01 × 2, then max(0.04 × 1, 0.02); BH 0.04 × 2 / 2, min(0.01 × 2, 0.04).
    np.testing.assert_allclose(table["p_holm"], [0.02, 0.04], rtol=1e-12)
    np.testing.assert_allclose(table["p_bh"], [0.02, 0.04], rtol=1e-12)


def test_counts_hidden_in_an_analysis_models_table_are_hidden_in_pairs() -> None:
    table = pairs_table(pair_settings(), pair_tables())
    protected_models = {
        name: (t["models"].copy(), f"{name}.tsv") for name, t in pair_tables().items()
    }
    protected_models["il6_anxiety"][0]["n_events"] = np.nan
    protected, log = protected_pairs(table, protected_models, 10, "pairs.tsv")
    assert "stratum" not in protected
    assert protected["n_events"].isna().tolist() == [False, True]
    assert protected["suppressed"].tolist() == [False, True]
    assert log["row"].tolist() == ["analysis = il6_anxiety, stratum = all"]
    unprotected, empty = protected_pairs(table, protected_models, None, "pairs.tsv")
    pd.testing.assert_frame_equal(unprotected, table)
    assert empty.empty


@pytest.fixture
def failed_pairs() -> pd.DataFrame:
    """The pairs table with the second pair's fit separated."""
    table = pairs_table(pair_settings(), pair_tables())
    table.loc[1, "status"] = "separation"
    return table


def test_the_figure_draws_estimable_pairs_and_labels_each_with_its_names(failed_pairs) -> None:
    figure = pairs_figure(failed_pairs, FigureStyle())
    axes = figure.axes[0]
    labels = [tick.get_text() for tick in axes.get_yticklabels()]
    assert labels == [
        "IL-1β × BDNF\nIL-1β above vs at or below median\nBDNF above vs at or below median",
        "IL-6 × HADS anxiety\nper 1 pg/mL of IL-6\nper SD of HADS anxiety",
    ]
    assert axes.get_xlim()[0] < 1 < axes.get_xlim()[1]
    texts = [text.get_text() for text in axes.texts]
    assert texts == ["p 0.010\nHolm 0.020, BH 0.020", "not estimable"]
    drawn = axes.lines[0].get_xdata()
    assert list(drawn) == [2.1]


def test_the_report_page_shows_pairs_in_words(failed_pairs) -> None:
    page = report_page("pairs", failed_pairs)
    for text in ["IL-6 × HADS anxiety", "per SD of HADS anxiety", "2.10 (", "0.020", "Holm"]:
        assert text in page
    assert "separation" in page and "il6_anxiety" in page


def test_adjustments_match_r_p_adjust_run_now(tmp_path) -> None:
    p_values = np.random.default_rng(11).uniform(0, 0.2, 7) ** 2
    script = tmp_path / "adjust.R"
    script.write_text(
        "p <- as.numeric(commandArgs(TRUE))\n"
        'cat(sprintf("%.17g", c(p.adjust(p, "holm"), p.adjust(p, "BH"))), sep = "\\n")\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [rscript_or_skip(), str(script), *(f"{p:.17g}" for p in p_values)],
        capture_output=True,
        text=True,
        check=True,
    )
    expected = np.array(result.stdout.split(), dtype=float).reshape(2, -1)
    adjusted = adjusted_p_values(pd.Series(p_values))
    np.testing.assert_allclose(adjusted["p_holm"], expected[0], rtol=1e-12)
    np.testing.assert_allclose(adjusted["p_bh"], expected[1], rtol=1e-12)


def test_a_relabelled_or_rescaled_variable_is_the_same_pair() -> None:
    """Labels, units, transforms and an unused threshold do not make a pair: still one pair."""
    relabelled = {"label": "Interleukin-1β", "unit": "ng/L", "transform": "per_sd"}
    config = config_with(
        {
            "primary": {},
            "relabelled": {"pair": {"exposure": relabelled}},
            "unused_cut": {"pair": {"modifier": {"threshold": 20}}},  # median split: no cut
            "anxiety": {"pair": {"modifier": ANXIETY}},
        }
    )
    settings = all_settings(config)
    assert pair_key(settings["relabelled"]) == pair_key(settings["primary"])
    assert pair_key(settings["unused_cut"]) == pair_key(settings["primary"])
    assert pair_analyses(settings) == ["primary", "anxiety"]


def test_another_threshold_of_the_modifier_is_another_pair() -> None:
    config = config_with(
        {
            "primary": {},
            "anxiety_12": {"pair": {"modifier": ANXIETY}},
            "anxiety_15": {"pair": {"modifier": {**ANXIETY, "threshold": 15}}},
            "anxiety_above_12": {"pair": {"modifier": {**ANXIETY, "high_if": "above"}}},
        }
    )
    names = ["primary", "anxiety_12", "anxiety_15", "anxiety_above_12"]
    assert pair_analyses(all_settings(config)) == names


def test_a_pair_is_represented_by_an_analysis_making_the_primarys_other_choices(caplog) -> None:
    """An analysis of a pair that also changes the missing-data method or the coding does not
    represent it when a later one changes the pair alone; a pair without such an analysis is
    represented by its first, logged, its `differs` naming the choices it makes otherwise."""
    config = config_with(
        {
            "primary": {},
            "anxiety_cc": {
                "pair": {"modifier": ANXIETY},
                "missing_data": {"method": "complete_case"},
            },
            "anxiety_tertiles": {"pair": {"modifier": ANXIETY, "coding": "tertiles"}},
            "anxiety": {"pair": {"modifier": ANXIETY}},
            "il6_outliers": {"pair": {"exposure": IL6, "outlier_z": 2.5, "below_lod": "lod_half"}},
        }
    )
    settings = all_settings(config)
    with caplog.at_level("WARNING"):
        assert pair_analyses(settings) == ["primary", "anxiety", "il6_outliers"]
    assert "of il6_outliers" in caplog.text
    assert "differs in pair.below_lod, pair.outlier_z" in caplog.text
    assert "anxiety_cc" not in caplog.text
    chosen = {name: settings[name] for name in ["primary", "anxiety", "il6_outliers"]}
    table = pairs_table(chosen, {name: tables() for name in chosen})
    assert table["differs"].tolist() == ["", "", "pair.below_lod, pair.outlier_z"]
