"""Figures across analyses: the specification curve of the sensitivity analyses."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from interplay.figures_effects import MARKERS
from interplay.figures_style import (
    NEUTRAL,
    FigureStyle,
    ci_method_label,
    log_axis,
    new_figure,
    padded_log_limits,
    ratio_ticks,
    require,
    styled,
)

CHOICE_COLUMNS = [
    "outcome",
    "coding",
    "covariates",
    "missing_data",
    "below_lod",
    "exclusions",
    "estimator",
]
SENSITIVITY_COLUMNS = ["analysis", "estimand", "estimate", "ci_low", "ci_high", "ci_method"]


@dataclass(frozen=True)
class Estimand:
    """How one estimand of the sensitivity table is shown."""

    title: str
    short: str
    axis: str
    ratio: bool  # odds-ratio scale: log axis, no effect at 1; otherwise linear, no effect at 0

    @property
    def null(self) -> float:
        """The value of no effect."""
        return 1.0 if self.ratio else 0.0


ESTIMANDS = {
    "il1b_or_bdnf_low": Estimand(
        "IL-1β high vs low, low BDNF", "IL-1β OR at low BDNF", "OR (log scale)", True
    ),
    "il1b_or_bdnf_high": Estimand(
        "IL-1β high vs low, high BDNF", "IL-1β OR at high BDNF", "OR (log scale)", True
    ),
    "ratio_of_odds_ratios": Estimand(
        "Interaction: ratio of odds ratios", "ratio of ORs", "Ratio (log scale)", True
    ),
    "reri": Estimand("Interaction: RERI (additive)", "RERI", "RERI", False),
}


def specification_order(table: pd.DataFrame, sort_by: str) -> list[str]:
    """Analyses by ascending estimate of `sort_by`; those without it follow, by name."""
    require(table, SENSITIVITY_COLUMNS, "sensitivity")
    keyed = table.loc[table["estimand"] == sort_by].sort_values(
        ["estimate", "analysis"], kind="stable"
    )
    ordered = list(dict.fromkeys(keyed.loc[keyed["estimate"].notna(), "analysis"]))
    rest = sorted(set(table["analysis"]) - set(ordered))
    return ordered + rest


def choice_matrix(table: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Which analysis makes which choice: rows (choice, value), a boolean column per analysis."""
    choices = [column for column in CHOICE_COLUMNS if column in table.columns]
    per_analysis = table.drop_duplicates("analysis").set_index("analysis").loc[list(order)]
    rows = {}
    for choice in choices:
        values = per_analysis[choice].astype(str)
        for value in dict.fromkeys(values):
            rows[(choice, value)] = (values == value).to_numpy()
    matrix = pd.DataFrame.from_dict(rows, orient="index", columns=list(order))
    matrix.index = pd.MultiIndex.from_tuples(matrix.index, names=["choice", "value"])
    return matrix


def choice_labels(index: pd.MultiIndex) -> list[str]:
    """'choice: value' on a group's first row, the value alone below it, underscores as spaces."""
    labels, previous = [], None
    for choice, value in index:
        text = value.replace("_", " ")
        labels.append(text if choice == previous else f"{choice.replace('_', ' ')}: {text}")
        previous = choice
    return labels


def estimand_panel(axes, rows: pd.DataFrame, estimand: Estimand, x: dict, methods, style) -> None:
    """One estimand's estimates and intervals, in specification order."""
    for method, colour, marker in zip(methods, style.palette, MARKERS, strict=False):
        subset = rows.loc[rows["ci_method"] == method]
        axes.errorbar(
            [x[a] for a in subset["analysis"]],
            subset["estimate"],
            yerr=[subset["estimate"] - subset["ci_low"], subset["ci_high"] - subset["estimate"]],
            fmt=marker,
            color=colour,
            markersize=3,
            elinewidth=0.8,
            capsize=0,
            label=ci_method_label(method),
        )
    axes.axhline(estimand.null, color=NEUTRAL, linewidth=0.6)
    values = np.append(rows[["ci_low", "ci_high"]].to_numpy(float).ravel(), estimand.null)
    if estimand.ratio:
        limits = padded_log_limits(values)
        log_axis(axes, "y", ratio_ticks(*limits))
    else:
        finite = values[np.isfinite(values)]
        margin = 0.08 * max(finite.max() - finite.min(), 1e-9)
        limits = (finite.min() - margin, finite.max() + margin)
    axes.set_ylim(*limits)
    axes.set_ylabel(estimand.axis)
    axes.set_title(estimand.title, loc="left")


def specification_curve_figure(
    table: pd.DataFrame,
    style: FigureStyle,
    sort_by: str = "ratio_of_odds_ratios",
    primary: str = "primary",
) -> Figure:
    """Estimates with CIs per estimand across analyses, with each analysis's choices beneath.

    Every panel shares one order (ascending `sort_by`), so a column of the dot matrix below
    describes the analysis above it in every panel; the primary analysis is shaded.
    """
    order = specification_order(table, sort_by)
    x = {analysis: index for index, analysis in enumerate(order)}
    estimands = [e for e in ESTIMANDS if e in set(table["estimand"])]
    methods = list(dict.fromkeys(table["ci_method"]))
    matrix = choice_matrix(table, order)
    panel_mm, row_mm = 28, 2.6
    matrix_mm = row_mm * len(matrix) + 4
    ratios = [panel_mm] * len(estimands) + [matrix_mm]
    with styled(style):
        figure, axes_list = new_figure(
            style,
            height_mm=sum(ratios) + 30,
            nrows=len(ratios),
            sharex=True,
            gridspec_kw={"height_ratios": ratios},
        )
        for axes, name in zip(axes_list, estimands, strict=False):
            rows = table.loc[(table["estimand"] == name) & table["estimate"].notna()]
            estimand_panel(axes, rows, ESTIMANDS[name], x, methods, style)
        dots = axes_list[-1]
        for row_index, present in enumerate(matrix.to_numpy()):
            columns = np.arange(len(order))
            dots.scatter(columns[~present], [row_index] * (~present).sum(), s=4, color="#DDDDDD")
            dots.scatter(columns[present], [row_index] * present.sum(), s=9, color="black")
        dots.set_yticks(range(len(matrix)), choice_labels(matrix.index))
        dots.set_ylim(len(matrix) - 0.5, -0.5)
        choices = matrix.index.get_level_values("choice")
        for boundary in np.flatnonzero(choices[1:] != choices[:-1]):
            dots.axhline(boundary + 0.5, color=NEUTRAL, linewidth=0.4)
        dots.tick_params(axis="y", length=0)
        dots.spines["left"].set_visible(False)
        dots.set_xticks(range(len(order)), order, rotation=90)
        ordered_by = ESTIMANDS[sort_by].short if sort_by in ESTIMANDS else sort_by
        dots.set_xlabel(f"Analysis, by ascending {ordered_by}")
        if primary in x:
            for axes in axes_list:
                axes.axvspan(x[primary] - 0.5, x[primary] + 0.5, color=NEUTRAL, alpha=0.15, lw=0)
        dots.set_xlim(-0.6, len(order) - 0.4)
        handles = {}
        for axes in axes_list[:-1]:
            for handle, label in zip(*axes.get_legend_handles_labels(), strict=True):
                handles.setdefault(label, handle)
        figure.legend(
            handles=list(handles.values()),
            loc="outside lower center",
            ncols=min(len(methods), 3),
            title="Confidence intervals; shaded: primary analysis",
            title_fontsize=style.font_size - 0.5,
        )
    return figure
