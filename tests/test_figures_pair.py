"""Figures of a non-default pair: every reader-facing text from the Pair (labels, units, the
split's and the transform's words), the axes from its kinds and transforms (issue 15)."""

import itertools
from pathlib import Path
from types import SimpleNamespace

import jinja2
import numpy as np
import pandas as pd
import pytest
from conftest import REPO
from docutils.core import publish_parts
from figure_tables import (
    bootstrap_inputs,
    family_sensitivity_table,
    interaction_table,
    joint_table,
    models_table,
    predictions_table,
    regions_table,
    slopes_table,
)
from interplay.data.biomarkers import add_codings
from interplay.errors import InputError
from interplay.figures import cohort, continuous, effects, sensitivity
from interplay.figures.style import FigureStyle
from interplay.figures.words import caption_words, split_panel_title
from interplay.pair import pair_from_settings
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from pairs import DEFAULT_PAIR

STYLE = FigureStyle()
IL6_LOD = 0.5
# IL-6 × HADS anxiety ≥ 12: a log2 biomarker with an LOD, a scale split at a threshold.
IL6_HADS = pair_from_settings(
    {
        "exposure": {"column": "il6", "label": "IL-6", "unit": "pg/mL", "kind": "biomarker",
                     "transform": "log2", "split": "median", "lod": IL6_LOD},
        "modifier": {"column": "hads_anxiety", "label": "HADS anxiety", "unit": "points",
                     "kind": "scale", "transform": "none", "split": "threshold", "threshold": 12},
    }
)  # fmt: skip
# SOFAS × unemployed: a scale without a transform, a binary modifier.
SOFAS_UNEMPLOYED = pair_from_settings(
    {
        "exposure": {"column": "sofas", "label": "SOFAS", "unit": "points", "kind": "scale",
                     "transform": "none", "split": "median"},
        "modifier": {"column": "unemployed", "label": "Unemployed", "unit": "", "kind": "binary",
                     "transform": "none", "split": "binary"},
    }
)  # fmt: skip
DEFAULT_WORDS = ("IL-1β", "BDNF", "ng/mL")


def texts_of(figure: Figure) -> list[str]:
    """Every text drawn in a figure (axis labels, ticks, legends, titles, annotations)."""
    FigureCanvasAgg(figure).draw()
    return [text.get_text() for text in figure.findobj(Text) if text.get_text()]


def assert_no_default_words(figure: Figure) -> None:
    """Nothing of the default pair shows in a figure of another pair."""
    for text in texts_of(figure):
        assert not any(word in text for word in DEFAULT_WORDS), text


def il6_dataset(n: int = 400, seed: int = 3) -> pd.DataFrame:
    """IL-6 log-normal with values below its LOD, HADS anxiety 0–21, SOFAS, unemployment."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    il6 = np.exp(rng.normal(np.log(2.0), 1.0, n))
    below = il6 < IL6_LOD
    return pd.DataFrame(
        {
            "il6": np.where(below, IL6_LOD / np.sqrt(2), il6),
            "il6_below_lod": below.astype(int),
            "hads_anxiety": rng.integers(0, 22, n).astype(float),
            "sofas": rng.normal(55, 10, n).round(),
            "unemployed": rng.integers(0, 2, n),
            "outcome": rng.integers(0, 2, n),
        }
    )


def hand_cutpoints(data: pd.DataFrame, pair) -> pd.DataFrame:
    """Tertile cut-points of each variable by numpy, the median of a median split, an LOD."""
    rows = []
    for variable in pair:
        values = data[variable.column].to_numpy(float)
        first, second = np.quantile(values, [1 / 3, 2 / 3])
        rows += [
            (variable.role, "tertile_1", float(first)),
            (variable.role, "tertile_2", float(second)),
        ]
        if variable.split == "median":  # as cutpoints.tsv: the median row of a median split
            rows.append((variable.role, "median", float(np.median(values))))
        if variable.is_assay:
            rows.append((variable.role, "lod", variable.lod))
    return pd.DataFrame(rows, columns=["role", "cut", "value"])


def test_remission_rates_name_the_split_groups() -> None:
    data = add_codings(il6_dataset(), IL6_HADS)
    rates = effects.remission_rates(effects.joint_group_counts(data, "split"), 0.95)
    figure = effects.remission_rate_figure([("Split", rates)], IL6_HADS, "Remission", 0.95, STYLE)
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["IL-6 low", "IL-6 high"]
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["HADS anxiety:", "< 12", "≥ 12"]
    assert axes.get_xlabel() == "Serum IL-6 group"
    # The ≥ 12 group counted by hand.
    high = data["hads_anxiety"] >= 12
    counts = effects.joint_group_counts(data, "split")
    assert counts.loc[counts["modifier_level"] == "high", "n"].sum() == high.sum()
    assert_no_default_words(figure)


def test_forest_rows_use_the_contrasts_and_strata_of_the_pair() -> None:
    rows = effects.forest_rows(models_table(), joint_table(), interaction_table(), IL6_HADS)
    sections = list(dict.fromkeys(rows["section"]))
    assert sections == [
        "Each variable alone",
        "IL-6 high vs low",
        "HADS anxiety ≥ 12 vs < 12",
        "Joint groups vs IL-6 low, HADS anxiety < 12",
        effects.INTERACTION_SECTION,
    ]
    labels = set(rows["label"])
    assert {"IL-6 high vs low", "HADS anxiety ≥ 12 vs < 12"} <= labels
    assert {"HADS anxiety < 12,\nown model", "HADS anxiety ≥ 12,\nproduct model"} <= labels
    assert {"IL-6 low,\nown model", "IL-6 high,\nproduct model"} <= labels
    assert "IL-6 high,\nHADS anxiety ≥ 12" in labels
    figure = effects.forest_figure(rows, "Remission", 0.95, STYLE)
    assert "HADS anxiety ≥ 12 vs < 12" in texts_of(figure)
    assert_no_default_words(figure)


def test_forest_entries_find_the_models_and_terms_of_the_contract() -> None:
    entries = {(e.model, e.term) for e in effects.forest_model_entries(IL6_HADS)}
    assert entries == {
        ("exposure", "exposure_high"),
        ("modifier", "modifier_high"),
        *(
            (f"stratum_{other}_{level}", f"{role}_high")
            for role, other in (("exposure", "modifier"), ("modifier", "exposure"))
            for level in ("low", "high")
        ),
        *(
            ("product_lincom", f"{role}_high|{other}_{level}")
            for role, other in (("exposure", "modifier"), ("modifier", "exposure"))
            for level in ("low", "high")
        ),
    }


def generic_predictions() -> pd.DataFrame:
    """predictions_table() with the generic value columns (exposure, modifier)."""
    return predictions_table().rename(columns={"il1b": "exposure", "bdnf": "modifier"})


def test_predictions_have_a_log_axis_only_for_a_log2_exposure() -> None:
    figure = continuous.prediction_figure(generic_predictions(), IL6_HADS, "Remission", 0.95, STYLE)
    axes = figure.axes[0]
    assert axes.get_xscale() == "log"
    assert axes.get_xlabel() == "Serum IL-6 (pg/mL, log scale)"
    texts = texts_of(figure)
    assert "10th (12.2 points)" in texts
    assert any(text.startswith("HADS anxiety percentile") for text in texts)
    assert_no_default_words(figure)
    figure = continuous.prediction_figure(
        generic_predictions(), SOFAS_UNEMPLOYED, "Remission", 0.95, STYLE
    )
    assert figure.axes[0].get_xscale() == "linear"
    assert figure.axes[0].get_xlabel() == "SOFAS (points)"
    assert "10th (12.2)" in texts_of(figure)  # a unitless modifier: no unit after the value
    assert_no_default_words(figure)


def test_johnson_neyman_names_the_slope_by_the_transform() -> None:
    slopes = slopes_table().rename(columns={"bdnf": "modifier"})
    figure = continuous.johnson_neyman_figure(slopes, regions_table(), IL6_HADS, 0.95, STYLE)
    axes, strips = figure.axes
    assert axes.get_ylabel() == "OR per doubling of IL-6 (log scale)"
    assert strips.get_xlabel() == "HADS anxiety (points)"  # the method strips below the curve
    texts = texts_of(figure)
    assert any(t.startswith("IL-6 slope ≠ 0") and "7.5–20.0 points" in t for t in texts)
    assert "HADS anxiety 10th, 25th, 50th, 75th, 90th percentiles" in texts
    assert_no_default_words(figure)
    none = continuous.johnson_neyman_figure(slopes, regions_table(), SOFAS_UNEMPLOYED, 0.95, STYLE)
    assert none.axes[0].get_ylabel() == "OR per point of SOFAS (log scale)"


def test_histograms_of_a_biomarker_with_an_lod_and_a_threshold_scale() -> None:
    data = add_codings(il6_dataset(), IL6_HADS)
    cuts = hand_cutpoints(data, IL6_HADS)
    counts = cohort.biomarker_histograms(data, cuts, IL6_HADS, bins=30)
    exposure = counts.loc[counts["biomarker"] == "exposure"]
    below = exposure.loc[exposure["below_lod"]]
    assert int(below["count"].iloc[0]) == int(data["il6_below_lod"].sum()) > 0
    assert below["high"].iloc[0] == IL6_LOD
    assert int(exposure["count"].sum()) == len(data)
    modifier = counts.loc[counts["biomarker"] == "modifier"]
    assert not modifier["below_lod"].any() and int(modifier["count"].sum()) == len(data)
    # Whole-number scores 0–21: a bar per score, each counting the patients with that score.
    assert modifier["low"].tolist() == [k - 0.5 for k in range(22)]
    assert modifier["count"].tolist() == [int((data["hads_anxiety"] == k).sum()) for k in range(22)]
    figure = cohort.biomarker_figure(counts, cuts, IL6_HADS, STYLE)
    top, bottom = figure.axes
    assert top.get_xscale() == "log" and bottom.get_xscale() == "linear"
    assert top.get_xlabel() == "Serum IL-6 (pg/mL, log scale)"
    assert bottom.get_xlabel() == "HADS anxiety (points)"
    top_texts = [t.get_text() for t in top.get_legend().get_texts()]
    bottom_texts = [t.get_text() for t in bottom.get_legend().get_texts()]
    assert f"LOD {IL6_LOD:g} pg/mL" in top_texts
    assert not any("LOD" in text for text in bottom_texts)
    assert "Split: high ≥ 12 points" in bottom_texts
    assert not any(
        text.startswith("Median") for text in bottom_texts
    )  # split at 12, not the median
    assert_no_default_words(figure)


def test_histograms_of_a_scale_and_a_binary_variable() -> None:
    data = add_codings(il6_dataset(), SOFAS_UNEMPLOYED)
    cuts = hand_cutpoints(data, SOFAS_UNEMPLOYED)
    counts = cohort.biomarker_histograms(data, cuts, SOFAS_UNEMPLOYED, bins=10)
    binary = counts.loc[counts["biomarker"] == "modifier"]
    assert binary["count"].tolist() == [
        int((data["unemployed"] == 0).sum()),
        int((data["unemployed"] == 1).sum()),
    ]
    figure = cohort.biomarker_figure(counts, cuts, SOFAS_UNEMPLOYED, STYLE)
    top, bottom = figure.axes
    assert top.get_xscale() == "linear" and top.get_xlabel() == "SOFAS (points)"
    assert [t.get_text() for t in bottom.get_xticklabels()] == ["Unemployed no", "Unemployed yes"]
    assert len(bottom.patches) == 2
    assert not any("LOD" in text or "Median" in text for text in texts_of(figure)[-6:])
    assert not any("LOD" in t.get_text() for t in top.get_legend().get_texts())
    assert_no_default_words(figure)


@pytest.mark.filterwarnings("ignore:invalid value encountered in log2")  # its codings
def test_a_biomarker_at_or_below_zero_cannot_have_a_log_axis() -> None:
    data = add_codings(il6_dataset().assign(il6=lambda d: d["il6"] - 5), IL6_HADS)
    with pytest.raises(InputError, match="at or below 0") as error:
        cohort.biomarker_histograms(data, hand_cutpoints(data, IL6_HADS), IL6_HADS)
    assert "a log2 transform or a limit of detection" in str(error.value)


def test_sensitivity_figures_title_the_estimands_in_the_pair_words() -> None:
    displays = sensitivity.estimand_displays(IL6_HADS)
    assert displays["exposure_or_modifier_low"].title == "IL-6 OR at HADS anxiety < 12"
    assert displays["exposure_or_modifier_high"].title == "IL-6 OR at HADS anxiety ≥ 12"
    curve = sensitivity.specification_curve_figure(family_sensitivity_table(), IL6_HADS, STYLE)
    texts = texts_of(curve)
    assert "IL-6 OR at HADS anxiety < 12" in texts and "Per\ndoubling" in texts
    # The choice matrix's labels come from labels.CHOICE_VALUES (the report's registry).
    for axes in curve.axes:
        if axes.get_gid() != "choices":
            shown = [t.get_text() for t in axes.findobj(Text)]
            assert not any(word in t for t in shown for word in DEFAULT_WORDS), shown
    per_unit = sensitivity.specification_curve_figure(
        family_sensitivity_table(), SOFAS_UNEMPLOYED, STYLE
    )
    assert "Per unit" in texts_of(per_unit)
    replicates, summary = bootstrap_inputs()
    figure = sensitivity.bootstrap_figure(
        sensitivity.resample_estimates(replicates),
        summary,
        sensitivity.reported_estimates(models_table(), interaction_table()),
        IL6_HADS,
        30,
        STYLE,
    )
    titles = [a.get_title(loc="left").split("\n")[0] for a in figure.axes if a.get_visible()]
    assert titles[:2] == ["IL-6 OR at HADS anxiety < 12", "IL-6 OR at HADS anxiety ≥ 12"]
    assert_no_default_words(figure)


FIGURE_CAPTIONS = ["biomarkers", "bootstrap", "forest", "johnson_neyman", "predictions",
                   "remission_rates", "specification_curve"]  # fmt: skip


@pytest.mark.parametrize("name", FIGURE_CAPTIONS)
def test_captions_name_the_configured_pair(name: str) -> None:
    """Rendered as Snakemake's report does, with the pair's words as the rules pass them."""
    template = jinja2.Environment(trim_blocks=True, lstrip_blocks=True).from_string(
        (Path(REPO) / "workflow" / "report" / f"{name}.rst").read_text(encoding="utf-8")
    )
    for pair, shown in ((IL6_HADS, "IL-6"), (SOFAS_UNEMPLOYED, "SOFAS")):
        params = SimpleNamespace(
            synthetic_caption="", analysis_label="Primary", ci_level=0.95,
            words=caption_words(pair),
        )  # fmt: skip
        snakemake = SimpleNamespace(params=params, wildcards={}, config={})
        html = publish_parts(template.render(snakemake=snakemake), writer="html")["body"]
        assert shown in html
        assert not any(word in html for word in DEFAULT_WORDS), html


def test_biomarker_caption_follows_kinds_and_lods() -> None:
    template = jinja2.Environment().from_string(
        (Path(REPO) / "workflow" / "report" / "biomarkers.rst").read_text(encoding="utf-8")
    )
    render = {
        pair.title: template.render(
            snakemake=SimpleNamespace(
                params=SimpleNamespace(synthetic_caption="", words=caption_words(pair))
            )
        )
        for pair in (IL6_HADS, SOFAS_UNEMPLOYED)
    }
    il6 = " ".join(render[IL6_HADS.title].split())
    assert "(a) Serum IL-6 on a log axis" in il6 and "LOD, 0.5 pg/mL" in il6
    assert "(b) HADS anxiety on a linear axis." in il6
    sofas = " ".join(render[SOFAS_UNEMPLOYED.title].split())
    assert "LOD" not in sofas and "(b) Unemployed as two bars" in sofas


def test_biomarker_caption_names_the_axis_the_figure_draws() -> None:
    """The default BDNF (per SD, no LOD) is drawn on a linear axis; IL-1β (log2, LOD) on a log
    one: the caption says the same of each."""
    template = jinja2.Environment().from_string(
        (Path(REPO) / "workflow" / "report" / "biomarkers.rst").read_text(encoding="utf-8")
    )
    params = SimpleNamespace(synthetic_caption="", words=caption_words(DEFAULT_PAIR))
    caption = " ".join(template.render(snakemake=SimpleNamespace(params=params)).split())
    assert "(a) Serum IL-1β on a log axis" in caption
    assert "(b) Serum BDNF on a linear axis." in caption


def test_every_joint_group_of_tertiles_is_named() -> None:
    data = add_codings(il6_dataset(), IL6_HADS)
    rates = effects.remission_rates(effects.joint_group_counts(data, "tertiles"), 0.95)
    figure = effects.remission_rate_figure(
        [("Tertiles", rates)], IL6_HADS, "Remission", 0.95, STYLE
    )
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["IL-6 T1", "IL-6 T2", "IL-6 T3"]
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["HADS anxiety:", "T1", "T2", "T3"]
    assert len(list(itertools.product(range(3), repeat=2))) == len(rates)


def test_the_split_panel_is_named_median_only_for_two_median_splits() -> None:
    assert split_panel_title(DEFAULT_PAIR) == "Median split (2 × 2)"
    assert split_panel_title(IL6_HADS) == "Two groups each (2 × 2)"
