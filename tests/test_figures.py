"""Figures: the aggregates they draw, their legibility at journal width, deterministic files."""

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO
from interplay import figures_cohort as cohort
from interplay import figures_continuous as continuous
from interplay import figures_effects as effects
from interplay import figures_sensitivity as sensitivity
from interplay.biomarkers import add_codings
from interplay.biomarkers import cutpoints as biomarker_cutpoints
from interplay.errors import InputError
from interplay.figures_style import (
    OKABE_ITO,
    FigureStyle,
    ratio_ticks,
    save_figure,
    style_from_config,
)
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.text import Text
from statsmodels.stats.proportion import proportion_confint

STYLE = FigureStyle()
LOD = 0.1
BIOMARKER_SETTINGS = {"il1b_lod": LOD, "below_lod": "lod_sqrt2"}


# ---------------------------------------------------------------- hand-made inputs


def small_dataset(n: int = 300, seed: int = 7) -> pd.DataFrame:
    """An analysis-dataset-like frame: IL-1β log-normal with values below the LOD, BDNF normal."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    il1b = np.exp(rng.normal(np.log(0.6), 1.0, n))
    below = il1b < LOD
    data = pd.DataFrame(
        {
            "il1b": np.where(below, LOD / np.sqrt(2), il1b),
            "il1b_below_lod": below.astype(int),
            "bdnf": np.clip(rng.normal(22, 7.5, n), 1, None),
            "outcome": rng.integers(0, 2, n),
            "age": rng.normal(57, 15, n),
            "sofas": rng.normal(55, 10, n),
        }
    )
    data.loc[[3, 10, 11], "age"] = np.nan
    data.loc[[10, 20], "sofas"] = np.nan
    return data


def flow_table() -> pd.DataFrame:
    """A three-stage participant flow."""
    return pd.DataFrame(
        {
            "stage": ["enrolled", "with_both_biomarkers", "with_post_baseline_hamd"],
            "n": [1106, 1094, 1086],
            "excluded": [0, 12, 8],
            "reason": ["", "no baseline IL-1β or BDNF value", "no HAMD rating after baseline"],
        }
    )


def model_rows(method: str, shift: float) -> pd.DataFrame:
    """The forest plot's model rows for one interval method (ORs shifted to tell methods apart)."""
    entries = [(e.model, e.term) for e in effects.FOREST_MODEL_ENTRIES]
    entries.append(("il1b", "age"))  # a covariate row the forest must ignore
    ratios = np.linspace(0.5, 2.5, len(entries)) * shift
    return pd.DataFrame(
        {
            "stratum": "all",
            "model": [m for m, _ in entries],
            "term": [t for _, t in entries],
            "odds_ratio": ratios,
            "ci_low": ratios / 1.5,
            "ci_high": ratios * 1.5,
            "ci_method": method,
        }
    )


def models_table() -> pd.DataFrame:
    """Model rows for a Rubin and a bootstrap method, plus a stratum the forest must skip."""
    other_stratum = model_rows("rubin_t", 3.0).assign(stratum="treatment_step=1")
    return pd.concat(
        [model_rows("rubin_t", 1.0), model_rows("boot_mi_vhb", 1.05), other_stratum],
        ignore_index=True,
    )


def joint_table(with_methods: bool = True) -> pd.DataFrame:
    """The four median-split cells, each non-reference cell once per interval method."""
    cells = pd.DataFrame(
        {
            "il1b_level": ["low", "low", "high", "high"],
            "bdnf_level": ["low", "high", "low", "high"],
            "n": [241, 302, 302, 241],
            "remitters": [113, 147, 98, 126],
            "non_remitters": [128, 155, 204, 115],
            "odds_ratio": [1.0, 1.1, 0.52, 1.22],
            "ci_low": [np.nan, 0.77, 0.36, 0.84],
            "ci_high": [np.nan, 1.58, 0.76, 1.77],
            "is_reference": [True, False, False, False],
        }
    )
    if not with_methods:
        return cells
    rubin = cells.assign(ci_method=cells["is_reference"].map({True: None, False: "rubin_t"}))
    boot = cells.iloc[1:].assign(ci_method="boot_mi_vhb", ci_low=[0.7, 0.3, 0.8])
    return pd.concat([rubin, boot], ignore_index=True)


def interaction_table() -> pd.DataFrame:
    """The ratio of odds ratios by two methods, and rows the forest must ignore."""
    return pd.DataFrame(
        {
            "measure": ["ratio_of_odds_ratios", "ratio_of_odds_ratios", "wald_test", "reri"],
            "scale": ["multiplicative", "multiplicative", "multiplicative", "additive"],
            "estimate": [2.12, 2.12, 8.3, -1.2],
            "ci_low": [1.27, 1.26, np.nan, -2.1],
            "ci_high": [3.53, 3.56, np.nan, -0.3],
            "ci_method": ["rubin_t", "boot_mi_vhb", "d1_f", "delta_rubin_t"],
        }
    )


def slopes_table() -> pd.DataFrame:
    """Simple slopes on a BDNF grid (log OR linear in BDNF) plus five percentile rows."""
    bdnf = np.linspace(1.0, 53.0, 41)
    percentiles = pd.DataFrame({"percentile": [10, 25, 50, 75, 90]})
    percentiles["bdnf"] = [12.2, 16.8, 22.0, 27.0, 31.1]
    grid = pd.DataFrame({"percentile": np.nan, "bdnf": bdnf})
    table = pd.concat([percentiles, grid], ignore_index=True)
    log_or = -0.2 + 0.006 * table["bdnf"]
    half = 0.05 + 0.002 * np.abs(table["bdnf"] - 20)
    model = table.assign(
        odds_ratio=np.exp(log_or),
        ci_low=np.exp(log_or - half),
        ci_high=np.exp(log_or + half),
        ci_method="rubin_t",
    )
    boot = model.assign(ci_method="boot_mi_vhb", odds_ratio=np.exp(log_or + 0.3))
    return pd.concat([model, boot], ignore_index=True)


def regions_table() -> pd.DataFrame:
    """Johnson–Neyman regions: significant between 7.5 and 20 ng/mL."""
    return pd.DataFrame(
        {
            "bdnf_from": [-np.inf, 7.5, 20.0],
            "bdnf_to": [7.5, 20.0, np.inf],
            "significant": [False, True, False],
            "observed_share": [0.03, 0.38, 0.59],
        }
    )


def predictions_table() -> pd.DataFrame:
    """Predicted probabilities across IL-1β at five BDNF percentiles."""
    il1b = np.geomspace(0.07, 4.5, 30)
    rows = []
    for percentile, bdnf, slope in zip(
        [10, 25, 50, 75, 90],
        [12.2, 16.8, 22.0, 27.0, 31.1],
        np.linspace(-0.25, 0.0, 5),
        strict=True,
    ):
        logit = -0.3 + slope * np.log2(il1b)
        probability = 1 / (1 + np.exp(-logit))
        rows.append(
            pd.DataFrame(
                {
                    "il1b": il1b,
                    "bdnf_percentile": percentile,
                    "bdnf": bdnf,
                    "probability": probability,
                    "ci_low": probability - 0.06,
                    "ci_high": probability + 0.06,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


CHOICES = {
    "primary": ("remission", "median", "prespecified", "mice", "lod_sqrt2", "none", "logistic"),
    "complete_case": ("remission", "median", "prespecified", "cc", "lod_sqrt2", "none", "logistic"),
    "response": ("response", "median", "prespecified", "mice", "lod_sqrt2", "none", "logistic"),
    "tertiles": ("remission", "tertiles", "prespecified", "mice", "lod_sqrt2", "none", "logistic"),
    "firth": ("remission", "median", "prespecified", "mice", "lod_sqrt2", "none", "firth"),
}
RATIOS = {"primary": 2.1, "complete_case": 1.7, "response": 2.4, "tertiles": 1.4, "firth": 2.0}


def sensitivity_table() -> pd.DataFrame:
    """One row per analysis × estimand with the choice columns, as sensitivity.tsv has."""
    rows = []
    for analysis, choices in CHOICES.items():
        ratio = RATIOS[analysis]
        estimates = {
            "il1b_or_bdnf_low": 1.1 / ratio,
            "il1b_or_bdnf_high": 1.1,
            "ratio_of_odds_ratios": ratio,
            "reri": 1 - ratio,
        }
        for estimand, estimate in estimates.items():
            additive = estimand == "reri"
            rows.append(
                {
                    "analysis": analysis,
                    "stratum": "all",
                    "estimand": estimand,
                    "estimate": estimate,
                    "ci_low": estimate - 0.8 if additive else estimate / 1.6,
                    "ci_high": estimate + 0.8 if additive else estimate * 1.6,
                    "ci_method": "delta_rubin_t" if additive else "rubin_t",
                    **dict(zip(sensitivity.CHOICE_COLUMNS, choices, strict=True)),
                }
            )
    stratified = pd.DataFrame(rows[:4]).assign(analysis="by_step", stratum="treatment_step=1")
    return pd.concat([pd.DataFrame(rows), stratified], ignore_index=True)


def bootstrap_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replicates (2 imputations per resample, log-scale ORs) and the summary of the intervals."""
    rng = np.random.default_rng(np.random.SeedSequence(11))
    n = 60
    replicates = pd.DataFrame(
        {
            "replicate": np.repeat(np.arange(n), 2),
            "imputation": np.tile([1, 2], n),
            **{
                column: rng.normal(centre, 0.2, 2 * n)
                for column, centre in zip(
                    sensitivity.BOOTSTRAP_COLUMNS, [-0.65, 0.1, 0.75, -1.2], strict=True
                )
            },
        }
    )
    summary = pd.DataFrame(
        [
            (*column.split("/"), "boot_mi_vhb", "identity" if "reri" in column else "log", m)
            for column, m in zip(
                sensitivity.BOOTSTRAP_COLUMNS, [-0.65, 0.1, 0.75, -1.2], strict=True
            )
        ],
        columns=["table", "group", "term", "ci_method", "scale", "estimate"],
    )
    summary["ci_low"] = summary["estimate"] - 0.4
    summary["ci_high"] = summary["estimate"] + 0.4
    return replicates, summary


# ---------------------------------------------------------------- the numbers drawn


@pytest.mark.parametrize(("events", "n"), [(113, 241), (0, 20), (20, 20), (1, 7)])
@pytest.mark.parametrize("level", [0.95, 0.9])
def test_wilson_interval_matches_statsmodels(events: int, n: int, level: float) -> None:
    low, high = effects.wilson_interval(np.array([events]), np.array([n]), level)
    ref_low, ref_high = proportion_confint(events, n, alpha=1 - level, method="wilson")
    assert low[0] == pytest.approx(ref_low, abs=1e-12)
    assert high[0] == pytest.approx(ref_high, abs=1e-12)


def test_remission_rates_count_each_cell_once() -> None:
    rates = effects.remission_rates(joint_table(), 0.95)
    assert len(rates) == 4  # a cell's bootstrap rows repeat its counts; they are counted once
    assert rates["rate"].tolist() == pytest.approx([113 / 241, 147 / 302, 98 / 302, 126 / 241])
    assert (rates["ci_low"] < rates["rate"]).all() and (rates["rate"] < rates["ci_high"]).all()


def test_group_counts_match_the_median_split_by_hand() -> None:
    data = add_codings(small_dataset())
    counts = effects.group_counts(data, "median").set_index(["il1b_level", "bdnf_level"])
    il1b_high = data["il1b"] > data["il1b"].median()
    bdnf_high = data["bdnf"] > data["bdnf"].median()
    for il1b_level, il1b_mask in (("low", ~il1b_high), ("high", il1b_high)):
        for bdnf_level, bdnf_mask in (("low", ~bdnf_high), ("high", bdnf_high)):
            cell = il1b_mask & bdnf_mask
            assert counts.loc[(il1b_level, bdnf_level), "n"] == cell.sum()
            assert (
                counts.loc[(il1b_level, bdnf_level), "remitters"] == data.loc[cell, "outcome"].sum()
            )
    tertiles = effects.group_counts(data, "tertiles")
    assert len(tertiles) == 9 and tertiles["n"].sum() == len(data)
    assert tertiles["il1b_level"].tolist()[:3] == ["T1", "T1", "T1"]


def test_biomarker_histograms_count_every_patient_once() -> None:
    data = small_dataset()
    cuts = biomarker_cutpoints(data, BIOMARKER_SETTINGS)
    counts = cohort.biomarker_histograms(data, cuts, bins=20)
    il1b = counts.loc[counts["biomarker"] == "il1b"]
    below = il1b.loc[il1b["below_lod"]]
    assert int(il1b["count"].sum()) == len(data)
    assert int(below["count"].iloc[0]) == int(data["il1b_below_lod"].sum()) > 0
    assert below["high"].iloc[0] == LOD  # the below-LOD bar ends at the LOD
    detected = il1b.loc[~il1b["below_lod"]]
    assert (detected["low"] >= LOD).all()
    ratios = detected["high"] / detected["low"]
    assert ratios.to_numpy() == pytest.approx(np.full(20, ratios.iloc[0]))  # log-spaced bins
    assert int(counts.loc[counts["biomarker"] == "bdnf", "count"].sum()) == len(data)


def test_missing_patterns_are_counted_by_hand() -> None:
    data = small_dataset()  # age missing in rows 3, 10, 11; sofas in rows 10, 20
    patterns = cohort.missing_patterns(data, ["outcome", "age", "sofas"])
    found = {(int(row.age), int(row.sofas)): int(row.n) for row in patterns.itertuples(index=False)}
    assert found == {(0, 0): len(data) - 4, (1, 0): 2, (1, 1): 1, (0, 1): 1}
    assert patterns["n"].iloc[0] == len(data) - 4  # most frequent first
    assert patterns["n_missing"].tolist() == [0, 1, 1, 2]  # ties: fewer missing first


def test_forest_rows_hold_every_section_and_interval_method() -> None:
    rows = effects.forest_rows(models_table(), joint_table(), interaction_table())
    per_method = rows.groupby("ci_method").size()
    expected = len(effects.FOREST_MODEL_ENTRIES) + 3 + 1  # models, joint cells, interaction
    assert per_method.to_dict() == {"boot_mi_vhb": expected, "rubin_t": expected}
    assert list(dict.fromkeys(rows["section"])) == [
        "Each biomarker alone",
        "IL-1β high vs low",
        "BDNF high vs low",
        effects.JOINT_SECTION,
        effects.INTERACTION_SECTION,
    ]
    assert rows["odds_ratio"].max() < 3.0  # the other stratum's rows (ORs × 3) are left out
    ratio = rows.loc[rows["section"] == effects.INTERACTION_SECTION, "odds_ratio"]
    assert ratio.tolist() == [2.12, 2.12]


def test_joint_cells_without_a_method_take_the_models_method() -> None:
    rows = effects.forest_rows(models_table(), joint_table(False), interaction_table())
    joint = rows.loc[rows["section"] == effects.JOINT_SECTION]
    assert joint["ci_method"].tolist() == ["rubin_t"] * 3
    assert joint["label"].tolist() == [
        "IL-1β low, BDNF high",
        "IL-1β high, BDNF low",
        "IL-1β high, BDNF high",
    ]


def test_specification_order_and_choice_matrix() -> None:
    rows = sensitivity.specification_rows(sensitivity_table())
    assert "by_step" not in set(rows["analysis"])  # stratified: no whole-sample estimate
    order = sensitivity.specification_order(rows, "ratio_of_odds_ratios")
    assert order == sorted(RATIOS, key=RATIOS.get)
    matrix = sensitivity.choice_matrix(rows, order)
    assert matrix.sum(axis=0).tolist() == [len(sensitivity.CHOICE_COLUMNS)] * len(order)
    assert bool(matrix.loc[("outcome", "response"), "response"])
    assert not bool(matrix.loc[("outcome", "response"), "primary"])


def test_resamples_average_their_imputations_and_keep_failures_missing() -> None:
    replicates, _ = bootstrap_inputs()
    column = "models/product_lincom/il1b_high|bdnf_low"
    replicates.loc[replicates.index[5], column] = np.nan  # resample 2, imputation 2 failed
    resamples = sensitivity.resample_estimates(replicates)
    first = replicates.loc[replicates["replicate"] == 0, column]
    assert resamples["il1b_or_bdnf_low"].iloc[0] == pytest.approx(np.exp(first.mean()))
    assert np.isnan(resamples["il1b_or_bdnf_low"].iloc[2])
    reri = replicates.loc[replicates["replicate"] == 0, "interaction/additive/reri"]
    assert resamples["reri"].iloc[0] == pytest.approx(reri.mean())  # additive: not exponentiated


# ---------------------------------------------------------------- what a reviewer checks


FIGURE_NAMES = [
    "flow",
    "biomarkers",
    "missing_pattern",
    "remission_rates",
    "forest",
    "predictions",
    "johnson_neyman",
    "bootstrap",
    "specification_curve",
]


def build_figures() -> dict[str, Figure]:
    """Every figure, drawn from the hand-made inputs."""
    data = small_dataset()
    cuts = biomarker_cutpoints(data, BIOMARKER_SETTINGS)
    panels = [("Median split", effects.remission_rates(joint_table(), 0.95))]
    tertiles = pd.DataFrame(
        list(itertools.product(["T1", "T2", "T3"], repeat=2)), columns=["il1b_level", "bdnf_level"]
    ).assign(n=120, remitters=np.arange(40, 85, 5))
    panels.append(("Tertiles", effects.remission_rates(tertiles, 0.95)))
    replicates, summary = bootstrap_inputs()
    return {
        "flow": cohort.flow_figure(flow_table(), STYLE),
        "biomarkers": cohort.biomarker_figure(cohort.biomarker_histograms(data, cuts), cuts, STYLE),
        "missing_pattern": cohort.missing_pattern_figure(
            cohort.missing_patterns(data, ["outcome", "il1b", "bdnf", "age", "sofas"]), STYLE
        ),
        "remission_rates": effects.remission_rate_figure(
            panels, "Remission at week 12", 0.95, STYLE
        ),
        "forest": effects.forest_figure(
            effects.forest_rows(models_table(), joint_table(), interaction_table()),
            "Remission at week 12",
            0.95,
            STYLE,
        ),
        "predictions": continuous.prediction_figure(
            predictions_table(), "Remission at week 12", 0.95, STYLE
        ),
        "johnson_neyman": continuous.johnson_neyman_figure(
            slopes_table(), regions_table(), 0.95, STYLE
        ),
        "bootstrap": sensitivity.bootstrap_figure(
            sensitivity.resample_estimates(replicates), summary, 30, STYLE
        ),
        "specification_curve": sensitivity.specification_curve_figure(sensitivity_table(), STYLE),
    }


@pytest.fixture(scope="module")
def figures() -> dict[str, Figure]:
    """Every figure, drawn once for the module."""
    drawn = build_figures()
    assert list(drawn) == FIGURE_NAMES
    for figure in drawn.values():
        FigureCanvasAgg(figure).draw()
    return drawn


def drawn_tick_labels(axis) -> list[Text]:
    """The non-empty tick labels of an axis at ticks inside its view interval (the drawn ones)."""
    low, high = sorted(axis.get_view_interval())
    position = 0 if axis.axis_name == "x" else 1
    return [
        label
        for label in axis.get_ticklabels()
        if label.get_visible()
        and label.get_text()
        and low - 1e-9 <= label.get_position()[position] <= high + 1e-9
    ]


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_figure_is_one_journal_column_wide(figures: dict[str, Figure], name: str) -> None:
    width, _ = figures[name].get_size_inches()
    assert width * 25.4 == pytest.approx(STYLE.width_mm)


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_no_text_is_clipped(figures: dict[str, Figure], name: str) -> None:
    figure = figures[name]
    drawn = figure.get_tightbbox(figure.canvas.get_renderer())  # inches, everything drawn
    width, height = figure.get_size_inches()
    tolerance = 0.01
    assert drawn.x0 >= -tolerance and drawn.y0 >= -tolerance, drawn
    assert drawn.x1 <= width + tolerance and drawn.y1 <= height + tolerance, drawn


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_tick_labels_do_not_overlap(figures: dict[str, Figure], name: str) -> None:
    renderer = figures[name].canvas.get_renderer()
    overlaps = []
    for axes in figures[name].axes:
        if not axes.get_visible():
            continue
        for axis in (axes.xaxis, axes.yaxis):
            boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in drawn_tick_labels(axis)]
            for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
                if box_a.overlaps(box_b):
                    overlaps.append((a, b))
    assert overlaps == []


def is_quantitative(axis) -> bool:
    """Whether an axis shows numbers (its drawn tick labels all parse as numbers)."""
    labels = [t.get_text().replace("\u2212", "-").replace(",", "") for t in drawn_tick_labels(axis)]
    try:
        [float(label) for label in labels]
    except ValueError:
        return False
    return bool(labels)


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_every_numeric_axis_has_a_label(figures: dict[str, Figure], name: str) -> None:
    unlabelled = []
    for axes in figures[name].axes:
        if not axes.get_visible() or not axes.axison:
            continue
        shared = axes.get_shared_x_axes().get_siblings(axes)
        if is_quantitative(axes.xaxis) and not any(a.get_xlabel() for a in shared):
            unlabelled.append(("x", axes.get_title(loc="left")))
        if is_quantitative(axes.yaxis) and not axes.get_ylabel():
            unlabelled.append(("y", axes.get_title(loc="left")))
    assert unlabelled == []


def test_distribution_and_pattern_figures_draw_no_patient_points(
    figures: dict[str, Figure],
) -> None:
    for name in ["biomarkers", "missing_pattern"]:
        assert not figures[name].findobj(PathCollection)  # no scatter of individual values
    image = figures["missing_pattern"].findobj(AxesImage)[0].get_array()
    data = small_dataset()
    assert image.shape == (4, 5)  # patterns × variables, never patients × variables
    assert image.shape[0] < len(data)


def test_specification_curve_marks_one_value_per_choice_and_analysis(
    figures: dict[str, Figure],
) -> None:
    dots = figures["specification_curve"].axes[-1]
    black = [c for c in dots.collections if tuple(c.get_facecolor()[0][:3]) == (0.0, 0.0, 0.0)]
    marked = sum(len(c.get_offsets()) for c in black)
    assert marked == len(CHOICES) * len(sensitivity.CHOICE_COLUMNS)


# ---------------------------------------------------------------- files and settings


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_saved_figures_are_byte_identical(tmp_path: Path, fmt: str) -> None:
    paths = [tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"]
    for path in paths:
        save_figure(cohort.flow_figure(flow_table(), STYLE), [path], STYLE)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    if fmt == "svg":
        text = paths[0].read_text(encoding="utf-8")
        assert "<dc:date>" not in text and "IL-1β" in text  # undated, text kept as text


def test_png_has_the_configured_resolution(tmp_path: Path) -> None:
    path = tmp_path / "flow.png"
    save_figure(cohort.flow_figure(flow_table(), STYLE), [path], STYLE)
    header = path.read_bytes()[16:24]
    width = int.from_bytes(header[:4], "big")
    assert width == round(STYLE.width_mm / 25.4 * STYLE.dpi)


def test_config_defaults_reach_the_style() -> None:
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))["figures"]
    style = style_from_config(config)
    assert (style.dpi, style.width_mm, style.svg_hashsalt) == (
        config["dpi"],
        config["width_mm"],
        config["svg_hashsalt"],
    )
    assert style.formats == tuple(config["formats"]) and "png" in style.formats
    assert style.palette == tuple(config["palette"])


def test_unsupported_format_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unsupported figure format"):
        style_from_config({"formats": ["png", "jpg"]})


def test_default_palette_is_okabe_ito() -> None:
    # Okabe & Ito (2008), "Color Universal Design", RGB of the eight colours.
    published = {
        (0, 0, 0),
        (230, 159, 0),
        (86, 180, 233),
        (0, 158, 115),
        (240, 228, 66),
        (0, 114, 178),
        (213, 94, 0),
        (204, 121, 167),
    }
    rgb = {tuple(int(code[i : i + 2], 16) for i in (1, 3, 5)) for code in OKABE_ITO}
    assert rgb == published


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(0.3, 4.5, [0.5, 1.0, 2.0, 4.0]), (0.7, 1.6, [0.75, 1.0, 1.5]), (0.95, 1.05, [1.0])],
)
def test_ratio_ticks(low: float, high: float, expected: list[float]) -> None:
    assert ratio_ticks(low, high) == expected


def test_ordinal_suffixes() -> None:
    assert [continuous.ordinal(p) for p in [1, 2, 3, 10, 11, 12, 13, 22, 90]] == [
        "1st", "2nd", "3rd", "10th", "11th", "12th", "13th", "22nd", "90th",
    ]  # fmt: skip
