"""Figures: the aggregates they draw and their legibility at journal width (their files and
captions: test_figure_files.py)."""

import itertools

import numpy as np
import pandas as pd
import pytest
from figure_tables import (
    BIOMARKER_SETTINGS,
    CHOICES,
    LOD,
    PER_DOUBLING,
    RATIOS,
    bootstrap_inputs,
    family_sensitivity_table,
    flow_table,
    interaction_table,
    joint_table,
    models_table,
    predictions_table,
    regions_table,
    sensitivity_table,
    separated_forest_tables,
    separated_sensitivity_table,
    slopes_table,
    small_dataset,
)
from interplay import labels
from interplay.data.biomarkers import add_codings
from interplay.data.biomarkers import cutpoints as biomarker_cutpoints
from interplay.figures import cohort, continuous, effects, sensitivity
from interplay.figures.style import (
    FigureStyle,
)
from interplay.labels import codes_with_labels
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.text import Text
from pairs import DEFAULT_PAIR
from statsmodels.stats.proportion import proportion_confint

STYLE = FigureStyle()


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
    data = add_codings(small_dataset(), DEFAULT_PAIR)
    counts = effects.joint_group_counts(data, "split").set_index(
        ["exposure_level", "modifier_level"]
    )
    exposure_high = data["il1b"] > data["il1b"].median()
    modifier_high = data["bdnf"] > data["bdnf"].median()
    for exposure_level, il1b_mask in (("low", ~exposure_high), ("high", exposure_high)):
        for modifier_level, bdnf_mask in (("low", ~modifier_high), ("high", modifier_high)):
            cell = il1b_mask & bdnf_mask
            assert counts.loc[(exposure_level, modifier_level), "n"] == cell.sum()
            assert (
                counts.loc[(exposure_level, modifier_level), "remitters"]
                == data.loc[cell, "outcome"].sum()
            )
    tertiles = effects.joint_group_counts(data, "tertiles")
    assert len(tertiles) == 9 and tertiles["n"].sum() == len(data)
    assert tertiles["exposure_level"].tolist()[:3] == ["T1", "T1", "T1"]


def test_biomarker_histograms_count_every_patient_once() -> None:
    data = add_codings(small_dataset(), DEFAULT_PAIR)
    cuts = biomarker_cutpoints(data, BIOMARKER_SETTINGS)
    counts = cohort.biomarker_histograms(data, cuts, DEFAULT_PAIR, bins=20)
    il1b = counts.loc[counts["biomarker"] == "exposure"]
    below = il1b.loc[il1b["below_lod"]]
    assert int(il1b["count"].sum()) == len(data)
    assert int(below["count"].iloc[0]) == int(data["il1b_below_lod"].sum()) > 0
    assert below["high"].iloc[0] == LOD  # the below-LOD bar ends at the LOD
    detected = il1b.loc[~il1b["below_lod"]]
    assert (detected["low"] >= LOD).all()
    ratios = detected["high"] / detected["low"]
    assert ratios.to_numpy() == pytest.approx(np.full(20, ratios.iloc[0]))  # log-spaced bins
    assert int(counts.loc[counts["biomarker"] == "modifier", "count"].sum()) == len(data)


def test_missing_patterns_are_counted_by_hand() -> None:
    data = small_dataset()  # age missing in rows 3, 10, 11; sofas in rows 10, 20
    patterns = cohort.missing_patterns(data, ["outcome", "age", "sofas"])
    found = {(int(row.age), int(row.sofas)): int(row.n) for row in patterns.itertuples(index=False)}
    assert found == {(0, 0): len(data) - 4, (1, 0): 2, (1, 1): 1, (0, 1): 1}
    assert patterns["n"].iloc[0] == len(data) - 4  # most frequent first
    assert patterns["n_missing"].tolist() == [0, 1, 1, 2]  # ties: fewer missing first


def test_forest_rows_hold_every_section_and_interval_method() -> None:
    rows = effects.forest_rows(models_table(), joint_table(), interaction_table(), DEFAULT_PAIR)
    per_method = rows.groupby("ci_method").size()
    expected = len(effects.forest_model_entries(DEFAULT_PAIR)) + 3 + 1  # models, joint, product
    assert per_method.to_dict() == {"boot_mi_vhb": expected, "rubin_t": expected}
    assert list(dict.fromkeys(rows["section"])) == [
        "Each variable alone",
        "IL-1β high vs low",
        "BDNF high vs low",
        effects.joint_section(DEFAULT_PAIR),
        effects.INTERACTION_SECTION,
    ]
    assert rows["odds_ratio"].max() < 3.0  # the other stratum's rows (ORs × 3) are left out
    ratio = rows.loc[rows["section"] == effects.INTERACTION_SECTION, "odds_ratio"]
    assert ratio.tolist() == [2.12, 2.12]


def test_joint_cells_without_a_method_take_the_models_method() -> None:
    rows = effects.forest_rows(
        models_table(), joint_table(False), interaction_table(), DEFAULT_PAIR
    )
    joint = rows.loc[rows["section"] == effects.joint_section(DEFAULT_PAIR)]
    assert joint["ci_method"].tolist() == ["rubin_t"] * 3
    assert joint["label"].tolist() == [
        "IL-1β low,\nBDNF high",
        "IL-1β high,\nBDNF low",
        "IL-1β high,\nBDNF high",
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


def test_specification_curve_of_several_pairs_names_roles_and_each_pair() -> None:
    """Analyses of another pair share the panels: titles in the roles' words, not the primary's
    IL-1β and BDNF, and the dot matrix names each analysis's pair."""
    table = sensitivity_table()
    table["pair"] = np.where(table["analysis"] == "response", "IL-6 × HADS anxiety", "IL-1β × BDNF")
    curve = sensitivity.specification_curve_figure(table, DEFAULT_PAIR, STYLE)
    titles = [axes.get_title(loc="left") for axes in curve.axes]
    assert "Exposure OR at Modifier low" in titles
    assert not any("IL-1β" in title or "BDNF" in title for title in titles)
    texts = texts_of(curve)
    assert "Pair: IL-1β × BDNF" in texts and "IL-6 × HADS anxiety" in texts
    # Each pair's slopes are per its own transform: the continuous column's heading names none.
    continuous = sensitivity.CONTINUOUS_FAMILY
    assert (
        sensitivity.family_headers(DEFAULT_PAIR, several=True)[continuous] == "Continuous\nslopes"
    )
    assert sensitivity.family_headers(DEFAULT_PAIR)[continuous] == "Per\ndoubling"
    rows = sensitivity.specification_rows(table)
    matrix = sensitivity.choice_matrix(rows, sensitivity.specification_order(rows, "reri"))
    assert bool(matrix.loc[("pair", "IL-6 × HADS anxiety"), "response"])
    # One pair: titles in its words, no pair row.
    single = sensitivity.specification_curve_figure(
        table.assign(pair="IL-1β × BDNF"), DEFAULT_PAIR, STYLE
    )
    assert "IL-1β OR at BDNF low" in [axes.get_title(loc="left") for axes in single.axes]
    assert not any(text.startswith("Pair:") for text in texts_of(single))


def test_resamples_average_their_imputations_and_keep_failures_missing() -> None:
    replicates, _ = bootstrap_inputs()
    column = "models/product_lincom/exposure_high|modifier_low"
    replicates.loc[replicates.index[5], column] = np.nan  # resample 2, imputation 2 failed
    resamples = sensitivity.resample_estimates(replicates)
    first = replicates.loc[replicates["replicate"] == 0, column]
    assert resamples["exposure_or_modifier_low"].iloc[0] == pytest.approx(np.exp(first.mean()))
    assert np.isnan(resamples["exposure_or_modifier_low"].iloc[2])
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
    "forest_separated",
    "specification_curve_separated",
    "specification_curve_families",
]


def build_figures() -> dict[str, Figure]:
    """Every figure, drawn from the hand-made inputs."""
    data = add_codings(small_dataset(), DEFAULT_PAIR)
    cuts = biomarker_cutpoints(data, BIOMARKER_SETTINGS)
    panels = [("Median split", effects.remission_rates(joint_table(), 0.95))]
    tertiles = pd.DataFrame(
        list(itertools.product(["T1", "T2", "T3"], repeat=2)),
        columns=["exposure_level", "modifier_level"],
    ).assign(n=120, remitters=np.arange(40, 85, 5))
    panels.append(("Tertiles", effects.remission_rates(tertiles, 0.95)))
    replicates, summary = bootstrap_inputs()
    patterns = cohort.missing_patterns(data, ["outcome", "il1b", "bdnf", "age", "sofas"])
    return {
        "flow": cohort.flow_figure(flow_table(), STYLE),
        "biomarkers": cohort.biomarker_figure(
            cohort.biomarker_histograms(data, cuts, DEFAULT_PAIR), cuts, DEFAULT_PAIR, STYLE
        ),
        "missing_pattern": cohort.missing_pattern_figure(
            patterns, cohort.missing_value_totals(patterns), STYLE
        ),
        "remission_rates": effects.remission_rate_figure(
            panels, DEFAULT_PAIR, "Remission at week 12", 0.95, STYLE
        ),
        "forest": effects.forest_figure(
            effects.forest_rows(models_table(), joint_table(), interaction_table(), DEFAULT_PAIR),
            "Remission at week 12",
            0.95,
            STYLE,
        ),
        "predictions": continuous.prediction_figure(
            predictions_table(), DEFAULT_PAIR, "Remission at week 12", 0.95, STYLE
        ),
        "johnson_neyman": continuous.johnson_neyman_figure(
            slopes_table(), regions_table(), DEFAULT_PAIR, 0.95, STYLE
        ),
        "bootstrap": sensitivity.bootstrap_figure(
            sensitivity.resample_estimates(replicates),
            summary,
            sensitivity.reported_estimates(models_table(), interaction_table()),
            DEFAULT_PAIR,
            30,
            STYLE,
        ),
        "specification_curve": sensitivity.specification_curve_figure(
            sensitivity_table(), DEFAULT_PAIR, STYLE
        ),
        "forest_separated": effects.forest_figure(
            effects.forest_rows(*separated_forest_tables(), DEFAULT_PAIR),
            "Remission at week 12",
            0.95,
            STYLE,
        ),
        "specification_curve_separated": sensitivity.specification_curve_figure(
            separated_sensitivity_table(), DEFAULT_PAIR, STYLE
        ),
        "specification_curve_families": sensitivity.specification_curve_figure(
            family_sensitivity_table(), DEFAULT_PAIR, STYLE
        ),
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
    black = [
        c
        for dots in axes_with_gid(figures["specification_curve"], "choices")
        for c in dots.collections
        if tuple(c.get_facecolor()[0][:3]) == (0.0, 0.0, 0.0)
    ]
    marked = sum(len(c.get_offsets()) for c in black)
    assert marked == len(CHOICES) * len(sensitivity.CHOICE_COLUMNS)


def axes_with_gid(figure: Figure, gid: str) -> list:
    """The axes of a figure tagged `gid` ('estimate' panels, 'choices' matrices), in order."""
    return [axes for axes in figure.axes if axes.get_gid() == gid]


def drawn_values(axes, position: int) -> np.ndarray:
    """Every x (0) or y (1) coordinate of the marks and interval lines drawn in an axes."""
    values = [np.asarray(line.get_data()[position], float) for line in axes.lines]
    for collection in axes.collections:
        for segment in getattr(collection, "get_segments", list)():
            values.append(np.asarray(segment, float)[:, position])
    return np.concatenate(values) if values else np.array([])


def texts_of(figure: Figure) -> list[str]:
    """The text of every text object in a figure (tick labels, annotations, legend, notes)."""
    return [text.get_text() for text in figure.findobj(Text)]


def test_forest_draws_no_separated_estimate_and_says_why(figures: dict[str, Figure]) -> None:
    figure = figures["forest_separated"]
    axes = figure.axes[0]
    rows = effects.forest_rows(*separated_forest_tables(), DEFAULT_PAIR)
    failed = rows["status"] != "ok"
    # The null line (x = 1) and the estimable rows only: no 4.8e-12, no infinite bar.
    drawn = drawn_values(axes, 0)
    assert np.isfinite(drawn).all() and drawn.min() > 0.1
    expected = rows.loc[~failed, ["ci_low", "ci_high"]].to_numpy().ravel()
    assert set(np.round(expected, 6)) <= set(np.round(drawn, 6))
    assert axes.get_xlim()[0] > 0.1
    texts = texts_of(figure)
    # Per interval method: six model rows, three joint cells, the ratio of odds ratios.
    assert texts.count("not estimable") == failed.sum() == 2 * (6 + 3 + 1)
    assert any("separated" in text and "Firth" in text for text in texts)
    fine = texts_of(figures["forest"])
    assert "not estimable" not in fine and not any("Firth" in text for text in fine)


def test_specification_curve_marks_a_separated_analysis_not_estimable(
    figures: dict[str, Figure],
) -> None:
    figure = figures["specification_curve_separated"]
    panels = axes_with_gid(figure, "estimate")
    (dots,) = axes_with_gid(figure, "choices")
    for axes in panels:
        drawn = drawn_values(axes, 1)
        assert np.isfinite(drawn).all() and np.abs(drawn).max() < 100
        assert np.abs(axes.get_ylim()).max() < 100
    order = [label.get_text() for label in dots.get_xticklabels()]
    assert order[-1] == "Response as outcome"  # unsorted: its ratio of ORs is not an estimate
    texts = texts_of(figure)
    assert texts.count("not estimable") == len(panels) == 4
    assert any("separated" in text and "Firth" in text for text in texts)
    assert "not estimable" not in texts_of(figures["specification_curve"])


def test_figures_with_nothing_estimable_show_only_the_no_effect_line() -> None:
    """Every fit failed: no axis stretches to a runaway estimate, every estimate says so."""
    table = separated_sensitivity_table().assign(status="separation")
    curve = sensitivity.specification_curve_figure(table, DEFAULT_PAIR, STYLE)
    (reri,) = [a for a in curve.axes if a.get_title(loc="left").startswith("RERI")]
    assert reri.get_ylim() == pytest.approx((-1.0, 1.0))
    assert texts_of(curve).count("not estimable") == 4 * len(CHOICES)
    models, joint, interaction = separated_forest_tables()
    rows = effects.forest_rows(
        models.assign(status="not_converged"), joint, interaction, DEFAULT_PAIR
    )
    forest = effects.forest_figure(rows, "Remission at week 12", 0.95, STYLE)
    low, high = forest.axes[0].get_xlim()
    assert low < 1 < high and high / low < 3
    assert texts_of(forest).count("not estimable") == len(rows)


def column_of(axes) -> int:
    """The gridspec column an axes sits in."""
    return axes.get_subplotspec().colspan.start


def test_specification_curve_has_a_panel_column_per_estimand_family(
    figures: dict[str, Figure],
) -> None:
    """Per-doubling slopes never share an axis with the grouped codings' odds ratios."""
    figure = figures["specification_curve_families"]
    panels = axes_with_gid(figure, "estimate")
    dots = axes_with_gid(figure, "choices")
    assert sorted({column_of(a) for a in panels}) == [0, 1] and len(dots) == 2
    grouped = [a for a in panels if column_of(a) == 0]
    per_doubling = [a for a in panels if column_of(a) == 1]
    assert len(grouped) == len(per_doubling) == len(sensitivity.KEY_ESTIMANDS)
    # Each family's matrix lists its own analyses, the continuous one only on the right.
    names = [[t.get_text() for t in d.get_xticklabels()] for d in dots]
    assert names[1] == ["Continuous models"]
    assert "Continuous models" not in names[0] and len(names[0]) == len(CHOICES)
    per_doubling_values = set(np.round(list(PER_DOUBLING.values()), 6))
    for axes in grouped:
        assert not per_doubling_values & set(np.round(drawn_values(axes, 1), 6))
    drawn = np.concatenate([drawn_values(a, 1) for a in per_doubling])
    assert per_doubling_values <= set(np.round(drawn, 6))
    # The continuous coding has no RERI: its panel says so instead of drawing one.
    assert "not computed" in texts_of(figure)
    # Each family's panels have their own axis: the grouped ratio axis reaches 2.4, the
    # per-doubling one stays near 1.
    ratio_axes = [a for a in panels if a.get_ylabel().startswith("Ratio")]
    high = {column_of(a): a.get_ylim()[1] for a in ratio_axes}
    assert high[0] > 2.4 * 1.6 and high[1] < 1.5


def black_vertical_lines(axes) -> list[float]:
    """The x of every solid black vertical line of an axes (axvline)."""
    return [
        float(line.get_xdata()[0])
        for line in axes.lines
        if line.get_color() == "black"
        and line.get_linestyle() == "-"
        and len(set(line.get_xdata())) == 1
    ]


def test_reported_estimates_are_the_model_based_rows() -> None:
    models, interaction = models_table(), interaction_table()
    reported = sensitivity.reported_estimates(models, interaction).set_index("estimand")
    lincom = models.loc[
        (models["stratum"] == "all")
        & (models["model"] == "product_lincom")
        & (models["ci_method"] == "rubin_t")
    ].set_index("term")["odds_ratio"]
    assert (
        reported.loc["exposure_or_modifier_low", "estimate"] == lincom["exposure_high|modifier_low"]
    )
    assert (
        reported.loc["exposure_or_modifier_high", "estimate"]
        == lincom["exposure_high|modifier_high"]
    )
    assert reported.loc["ratio_of_odds_ratios", "estimate"] == 2.12
    assert reported.loc["reri", "estimate"] == -1.2  # delta_rubin_t, not a bootstrap row


def test_bootstrap_reference_line_is_the_reported_estimate(figures: dict[str, Figure]) -> None:
    """The solid line sits at the table's estimate, not at the resamples' mean."""
    replicates, _ = bootstrap_inputs()
    resamples = sensitivity.resample_estimates(replicates)
    reported = sensitivity.reported_estimates(models_table(), interaction_table())
    panels = [a for a in figures["bootstrap"].axes if a.get_visible()]
    titles = {e.title: name for name, e in sensitivity.estimand_displays(DEFAULT_PAIR).items()}
    for axes in panels:
        name = titles[axes.get_title(loc="left").split("\n")[0]]
        expected = reported.set_index("estimand").loc[name, "estimate"]
        (line,) = black_vertical_lines(axes)
        assert line == pytest.approx(expected, rel=1e-12)
        assert line != pytest.approx(resamples[name].mean(), rel=1e-3)
    assert any("Reported estimate" in text for text in texts_of(figures["bootstrap"]))


def test_bootstrap_marks_a_failed_fit_not_estimable() -> None:
    replicates, summary = bootstrap_inputs()
    reported = sensitivity.reported_estimates(models_table(), interaction_table())
    reported.loc[reported["estimand"] == "reri", "status"] = "separation"
    figure = sensitivity.bootstrap_figure(
        sensitivity.resample_estimates(replicates), summary, reported, DEFAULT_PAIR, 30, STYLE
    )
    (reri,) = [a for a in figure.axes if a.get_title(loc="left").startswith("RERI")]
    assert black_vertical_lines(reri) == [] and not reri.patches
    texts = texts_of(figure)
    assert texts.count("not estimable") == 1
    assert any("separated" in text and "Firth" in text for text in texts)
    # Every resample of an estimand failed: nothing to draw either.
    resamples = sensitivity.resample_estimates(replicates).assign(ratio_of_odds_ratios=np.nan)
    figure = sensitivity.bootstrap_figure(
        resamples, summary, sensitivity.reported_estimates(models_table(), interaction_table()),
        DEFAULT_PAIR, 30, STYLE,
    )  # fmt: skip
    assert texts_of(figure).count("not estimable") == 1


def test_predictions_of_a_failed_fit_are_not_drawn() -> None:
    table = predictions_table()
    table.loc[table["modifier_percentile"] == 90, "status"] = "separation"
    figure = continuous.prediction_figure(table, DEFAULT_PAIR, "Remission at week 12", 0.95, STYLE)
    lines = figure.axes[0].lines
    assert [np.isfinite(line.get_ydata()).any() for line in lines] == [True] * 4 + [False]
    texts = texts_of(figure)
    assert any(text.endswith("not estimable") and text.startswith("90th") for text in texts)
    assert any("separated" in text and "Firth" in text for text in texts)
    assert not any("not estimable" in t for t in texts_of(continuous.prediction_figure(
        predictions_table(), DEFAULT_PAIR, "Remission at week 12", 0.95, STYLE)))  # fmt: skip


def test_johnson_neyman_of_a_failed_fit_draws_only_the_no_effect_line() -> None:
    slopes = slopes_table().assign(status="not_converged")
    regions = regions_table().assign(status="not_converged")
    figure = continuous.johnson_neyman_figure(slopes, regions, DEFAULT_PAIR, 0.95, STYLE)
    axes = figure.axes[0]
    drawn = [list(line.get_ydata()) for line in axes.lines if np.isfinite(line.get_ydata()).any()]
    assert drawn == [[1, 1]]
    assert not axes.patches  # no significance region
    assert "not estimable" in texts_of(figure)


def test_forest_data_area_is_the_larger_part(figures: dict[str, Figure]) -> None:
    for name in ["forest", "forest_separated"]:
        axes = figures[name].axes[0]
        assert axes.get_position().width > 0.5  # figure fraction


def test_no_figure_shows_a_code(figures: dict[str, Figure]) -> None:
    """Axis, legend and panel texts use the labels: no registry code with an underscore."""
    choice_codes = [*labels.CHOICES, *labels.CHOICE_VALUES]
    codes = codes_with_labels() | {code for code in choice_codes if "_" in code}
    assert {"lod_sqrt2", "missing_data", "complete_case"} <= codes
    for name, figure in figures.items():
        shown = set(texts_of(figure))
        assert not shown & codes, name
