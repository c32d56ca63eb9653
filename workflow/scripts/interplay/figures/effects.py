"""Figures of the group estimates: remission rates by biomarker group and the odds-ratio forest."""

import itertools
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from interplay import privacy
from interplay.figures.style import (
    WHOLE_SAMPLE,
    FigureStyle,
    log_axis,
    new_figure,
    padded_log_limits,
    ratio_ticks,
    require,
    right_margin_text,
    styled,
    whole_sample,
)
from interplay.figures.words import level_word, measured_label
from interplay.labels import ci_method_label, measure_label
from interplay.models.distributions import normal_quantile
from interplay.models.logistic import OK
from interplay.pair import EXPOSURE, LEVEL_CODES, MODIFIER, Pair, high_column, tertile_column

JOINT_FIGURE_COLUMNS = [
    "exposure_level", "modifier_level", "n", "remitters", "odds_ratio", "ci_low", "ci_high",
    "status",
]  # fmt: skip
FOREST_COLUMNS = ["section", "label", "odds_ratio", "ci_low", "ci_high", "ci_method", "status"]
MARKERS = ["o", "s", "D", "^", "v", "P"]
# How a figure shows an estimate whose fit separated or did not converge, instead of drawing it;
# the two-line note takes NOTE_MM more figure height.
NOT_ESTIMABLE = "not estimable"
NOTE_MM = 7.0
NOT_ESTIMABLE_NOTE = (
    "not estimable: the fit separated (a group without outcome events)\n"
    "or did not converge; see the report for Firth's method"
)


@dataclass(frozen=True)
class ForestEntry:
    """One estimate of the forest plot and where to find it in the models table."""

    section: str
    label: str
    model: str
    term: str


def stratum_entries(pair: Pair, role: str, level: str) -> list[ForestEntry]:
    """The forest rows of one variable within one stratum of the other: own and product model."""
    other = MODIFIER if role == EXPOSURE else EXPOSURE
    variable, stratum = pair.variable(role), pair.variable(other)
    term = high_column(role)
    stratum_text = stratum.group(level)
    return [
        ForestEntry(variable.contrast, f"{stratum_text},\nown model",
                    f"stratum_{other}_{level}", term),
        ForestEntry(variable.contrast, f"{stratum_text},\nproduct model", "product_lincom",
                    f"{term}|{other}_{level}"),
    ]  # fmt: skip


def forest_model_entries(pair: Pair) -> list[ForestEntry]:
    """The model-based estimates of the forest plot, by section; stratum rows name their model."""
    return [
        *(
            ForestEntry(ALONE_SECTION, variable.contrast, variable.role, high_column(variable.role))
            for variable in pair
        ),
        *(
            entry
            for role, level in itertools.product((EXPOSURE, MODIFIER), ("low", "high"))
            for entry in stratum_entries(pair, role, level)
        ),
    ]


def joint_section(pair: Pair) -> str:
    """The heading of the joint groups, e.g. 'Joint groups vs IL-6 low, HADS anxiety < 12'."""
    return f"Joint groups vs {pair.group('low', 'low')}"


ALONE_SECTION = "Each variable alone"
INTERACTION_SECTION = "Interaction (multiplicative)"
# Row labels wrap at this many characters, so that the data, not the text, fill the figure.
LABEL_WIDTH = 14


def wilson_interval(
    events: np.ndarray, n: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion (Wilson 1927; Newcombe 1998, method 3)."""
    events, n = np.asarray(events, float), np.asarray(n, float)
    z = normal_quantile(0.5 + level / 2)
    p = events / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


# The analysis dataset's columns of each grouped coding and the names of their levels.
GROUP_CODINGS = {
    "split": (high_column(EXPOSURE), high_column(MODIFIER), LEVEL_CODES),
    "tertiles": (tertile_column(EXPOSURE), tertile_column(MODIFIER), {1: "T1", 2: "T2", 3: "T3"}),
}


def joint_group_counts(dataset: pd.DataFrame, coding: str) -> pd.DataFrame:
    """Patients and outcome events per joint group: exposure_level, modifier_level, n, remitters.

    The same counts as the joint table of an analysis without imputation of the outcome; they
    are computed here so that the figure needs no particular analysis to be configured.
    """
    exposure, modifier, names = GROUP_CODINGS[coding]
    require(dataset, [exposure, modifier, "outcome"], "analysis dataset")
    counts = dataset.groupby([exposure, modifier])["outcome"].agg(n="size", remitters="sum")
    counts = counts.reset_index().sort_values([exposure, modifier])
    return pd.DataFrame(
        {
            "exposure_level": counts[exposure].map(names).to_numpy(),
            "modifier_level": counts[modifier].map(names).to_numpy(),
            "n": counts["n"].to_numpy(),
            "remitters": counts["remitters"].to_numpy(),
        }
    )


def protected_group_counts(
    counts: pd.DataFrame, min_count: int | None, name: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """joint_group_counts() with small cells suppressed as in the joint table, and what was."""
    joint = counts.assign(stratum=WHOLE_SAMPLE, non_remitters=counts["n"] - counts["remitters"])
    protected, suppressed = privacy.protect(joint, privacy.JOINT, min_count, name)
    return protected[counts.columns], suppressed


def remission_rates(joint: pd.DataFrame, ci_level: float) -> pd.DataFrame:
    """Observed outcome proportion per joint biomarker cell with its Wilson interval.

    Columns: exposure_level, modifier_level, n, events, rate, ci_low, ci_high (proportions); a cell
    whose counts were suppressed (NA) has NA throughout.
    """
    require(joint, ["exposure_level", "modifier_level", "n", "remitters"], "joint")
    # Counts repeat on every interval-method row of a cell; keep one row per cell.
    joint = whole_sample(joint).drop_duplicates(["exposure_level", "modifier_level"])
    low, high = wilson_interval(joint["remitters"], joint["n"], ci_level)
    return pd.DataFrame(
        {
            "exposure_level": joint["exposure_level"].astype(str).to_numpy(),
            "modifier_level": joint["modifier_level"].astype(str).to_numpy(),
            "n": joint["n"].to_numpy(float),
            "events": joint["remitters"].to_numpy(float),
            "rate": (joint["remitters"] / joint["n"]).to_numpy(float),
            "ci_low": low,
            "ci_high": high,
        }
    )


def remission_rate_figure(
    panels: Sequence[tuple[str, pd.DataFrame]],
    pair: Pair,
    outcome_label: str,
    ci_level: float,
    style: FigureStyle,
) -> Figure:
    """Outcome percentage with CIs and counts in each joint group, a panel per coding."""
    width = 0.8
    with styled(style):
        figure, axes_list = new_figure(style, height_mm=12 + 52 * len(panels), nrows=len(panels))
        axes_list = np.atleast_1d(axes_list)
        for axes, (title, rates), letter in zip(axes_list, panels, "abcdef", strict=False):
            exposure_levels = list(dict.fromkeys(rates["exposure_level"]))
            modifier_levels = list(dict.fromkeys(rates["modifier_level"]))
            step = width / len(modifier_levels)
            for j, (level, colour, marker) in enumerate(
                zip(modifier_levels, style.palette, MARKERS, strict=False)
            ):
                cells = rates.loc[rates["modifier_level"] == level]
                x = np.array([exposure_levels.index(v) for v in cells["exposure_level"]], float)
                x += -width / 2 + step * (j + 0.5)
                y = 100 * cells["rate"].to_numpy()
                errors = 100 * np.vstack(
                    [cells["rate"] - cells["ci_low"], cells["ci_high"] - cells["rate"]]
                )
                axes.errorbar(
                    x,
                    y,
                    yerr=errors,
                    fmt=marker,
                    color=colour,
                    markersize=4,
                    capsize=2,
                    elinewidth=0.9,
                    label=level_word(pair.modifier, level),
                )
                for xi, top, events, n in zip(
                    x, 100 * cells["ci_high"], cells["events"], cells["n"], strict=True
                ):
                    label = f"{privacy.count_text(events)}/{privacy.count_text(n)}"
                    axes.annotate(
                        privacy.SUPPRESSED_TEXT if np.isnan(top) else label,
                        (xi, 0 if np.isnan(top) else top),
                        xytext=(0, 2),
                        textcoords="offset points",
                        ha="center",
                        va="bottom",
                        rotation=90,
                        fontsize=style.font_size - 1,
                    )
            axes.set_xticks(
                range(len(exposure_levels)),
                [pair.exposure.group(level) for level in exposure_levels],
            )
            axes.set_xlim(-0.6, len(exposure_levels) - 0.4)
            axes.set_ylim(0, 100)
            axes.set_ylabel(f"{outcome_label} (% of patients)")
            axes.set_xlabel(f"{measured_label(pair.exposure)} group")
            # The legend sits between the axes and the panel title, clear of the data; the
            # modifier's label leads its level words ('HADS anxiety:  < 12  ≥ 12').
            handles, labels = axes.get_legend_handles_labels()
            axes.legend(
                [Patch(color="none"), *handles],
                [f"{pair.modifier.label}:", *labels],
                loc="lower left",
                bbox_to_anchor=(0, 1),
                ncols=len(modifier_levels) + 1,
                borderaxespad=0.2,
                handlelength=1.2,
                handletextpad=0.4,
                columnspacing=1.0,
            )
            axes.set_title(f"{letter}  {title}", loc="left", fontweight="bold", pad=14)
        figure.supxlabel(
            f"Points: observed percentage; bars: {ci_level:.0%} Wilson intervals; "
            "labels: events/patients",
            fontsize=style.font_size - 1,
        )
    return figure


def estimable(rows: pd.DataFrame) -> pd.Series:
    """Whether each row's estimate comes from fits that all succeeded (status ok)."""
    return rows["status"] == OK


def model_forest_rows(models: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """The forest plot's model-based rows, one per entry found and confidence-interval method."""
    require(models, ["model", "term", *FOREST_COLUMNS[2:]], "models")
    wanted = pd.DataFrame([vars(entry) for entry in forest_model_entries(pair)])
    found = wanted.merge(models, on=["model", "term"], how="inner", sort=False)
    return found[FOREST_COLUMNS]


def joint_forest_rows(joint: pd.DataFrame, pair: Pair, default_method: str) -> pd.DataFrame:
    """The non-reference joint cells; ci_method from the table, else default_method."""
    require(joint, JOINT_FIGURE_COLUMNS, "joint")
    cells = joint.loc[~joint["is_reference"].astype(bool)] if "is_reference" in joint else joint
    methods = cells.get("ci_method", default_method)
    return pd.DataFrame(
        {
            "section": joint_section(pair),
            "label": [
                pair.group(str(a), str(b)).replace(", ", ",\n")
                for a, b in zip(cells["exposure_level"], cells["modifier_level"], strict=True)
            ],
            "odds_ratio": cells["odds_ratio"].to_numpy(float),
            "ci_low": cells["ci_low"].to_numpy(float),
            "ci_high": cells["ci_high"].to_numpy(float),
            "ci_method": methods,
            "status": cells["status"].to_numpy(),
        }
    )[FOREST_COLUMNS]


def interaction_forest_rows(interaction: pd.DataFrame) -> pd.DataFrame:
    """The ratio of odds ratios (exp of the product term), one row per interval method."""
    require(interaction, ["measure", "estimate", *FOREST_COLUMNS[3:]], "interaction")
    ratio = interaction.loc[interaction["measure"] == "ratio_of_odds_ratios"]
    return pd.DataFrame(
        {
            "section": INTERACTION_SECTION,
            "label": textwrap.fill(measure_label("ratio_of_odds_ratios"), LABEL_WIDTH),
            "odds_ratio": ratio["estimate"].to_numpy(float),
            "ci_low": ratio["ci_low"].to_numpy(float),
            "ci_high": ratio["ci_high"].to_numpy(float),
            "ci_method": ratio["ci_method"].to_numpy(),
            "status": ratio["status"].to_numpy(),
        }
    )[FOREST_COLUMNS]


def forest_rows(
    models: pd.DataFrame, joint: pd.DataFrame, interaction: pd.DataFrame, pair: Pair
) -> pd.DataFrame:
    """Every estimate of the forest plot: section, label, odds_ratio, interval, method, status.

    Stratified analyses contribute their unstratified rows. Joint cells without a ci_method
    column take the method of the models table's first row (the joint model is fitted and pooled
    like the others).
    """
    models, joint, interaction = (whole_sample(t) for t in (models, joint, interaction))
    model_rows = model_forest_rows(models, pair)
    default_method = str(models["ci_method"].iloc[0])
    return pd.concat(
        [
            model_rows,
            joint_forest_rows(joint, pair, default_method),
            interaction_forest_rows(interaction),
        ],
        ignore_index=True,
    )


def estimate_interval_text(row: pd.Series) -> str:
    """'0.52 (0.36–0.76)' for one estimate, 'not estimable' for one whose fit failed."""
    if row.status != OK:
        return NOT_ESTIMABLE
    return f"{row.odds_ratio:.2f} ({row.ci_low:.2f}–{row.ci_high:.2f})"


def forest_figure(
    rows: pd.DataFrame, outcome_label: str, ci_level: float, style: FigureStyle
) -> Figure:
    """Odds ratios with their intervals, grouped by section, one mark per interval method.

    Section headings run across the figure above their rows, so that the (wrapped) row labels
    and the values on the right stay narrow and the data area is the larger part of the width.
    An estimate whose fit failed (status not ok) keeps its line but is not drawn: its text
    says 'not estimable' and a note in the legend says why.
    """
    require(rows, FOREST_COLUMNS, "forest rows")
    drawn = estimable(rows)
    methods = list(dict.fromkeys(rows["ci_method"]))
    labels = list(dict.fromkeys(zip(rows["section"], rows["label"], strict=True)))
    sections = list(dict.fromkeys(rows["section"]))
    # One text line (3.4 mm) per interval method within an estimate, at least the lines of its
    # label, a little air between estimates, one line per section heading.
    gap = 0.85
    label_lines = max(text.count("\n") + 1 for _, text in labels)
    pitch = max(1.0 if len(methods) == 1 else gap * len(methods) + 0.5, 0.8 * label_lines + 0.4)
    positions, ticks, tick_labels, headers = {}, [], [], []
    y = 0.0
    for section in sections:
        headers.append((y, section))
        y += 0.5 + pitch / 2
        for key in [key for key in labels if key[0] == section]:
            positions[key] = y
            ticks.append(y)
            tick_labels.append(key[1])
            y += pitch
        y += 0.5 - pitch / 2
    shown = rows.loc[drawn, ["ci_low", "ci_high"]].to_numpy(float).ravel()
    limits = padded_log_limits(shown if np.isfinite(shown).any() else np.array([1.0]))
    with styled(style):
        note_mm = 0.0 if drawn.all() else NOTE_MM
        figure, axes = new_figure(style, height_mm=24 + 3.2 * y + note_mm)
        for index, (method, colour, marker) in enumerate(
            zip(methods, style.palette, MARKERS, strict=False)
        ):
            subset = rows.loc[rows["ci_method"] == method]
            offset = gap * (index - (len(methods) - 1) / 2)
            ys = [
                positions[key] + offset
                for key in zip(subset["section"], subset["label"], strict=True)
            ]
            shown = drawn[subset.index].to_numpy()
            points = subset.loc[shown]
            axes.errorbar(
                points["odds_ratio"],
                np.array(ys)[shown],
                xerr=[
                    points["odds_ratio"] - points["ci_low"],
                    points["ci_high"] - points["odds_ratio"],
                ],
                fmt=marker,
                color=colour,
                markersize=3,
                elinewidth=0.9,
                capsize=0,
                label=ci_method_label(method),
            )
            for y_text, (_, row) in zip(ys, subset.iterrows(), strict=True):
                right_margin_text(axes, estimate_interval_text(row), y_text, style, color=colour)
        axes.axvline(1, color="black", linewidth=0.6)
        log_axis(axes, "x", ratio_ticks(*limits))
        axes.set_xlim(*limits)
        axes.set_yticks(ticks, tick_labels, fontsize=style.font_size - 1)
        # Headings start at the figure's left edge and run over the plot, on a white ground
        # where they cross the no-effect line; they do not widen the label column.
        left_edge = blended_transform_factory(figure.transFigure, axes.transData)
        for y_header, section in headers:
            heading = axes.text(
                0.01,
                y_header,
                section,
                transform=left_edge,
                fontweight="bold",
                va="center",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3},
            )
            heading.set_in_layout(False)
        axes.tick_params(axis="y", length=0)
        axes.spines["left"].set_visible(False)
        axes.set_ylim(y - 0.5, -0.7)
        axes.set_xlabel(f"Adjusted odds ratio of {outcome_label.lower()} (log scale)")
        figure.legend(
            loc="outside lower center",
            ncols=min(len(methods), 2),
            title=f"{ci_level:.0%} confidence intervals"
            + ("" if drawn.all() else f"\n{NOT_ESTIMABLE_NOTE}"),
            title_fontsize=style.font_size - 0.5,
        )
    return figure
