"""Figures of uncertainty and robustness: bootstrap distributions and the specification curve."""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from interplay.figures.effects import (
    MARKERS,
    NOT_ESTIMABLE,
    NOT_ESTIMABLE_NOTE,
    NOTE_MM,
    estimable,
)
from interplay.figures.style import (
    NEUTRAL,
    FigureStyle,
    is_model_based,
    log_axis,
    new_figure,
    padded_log_limits,
    ratio_ticks,
    require,
    styled,
    whole_sample,
)
from interplay.labels import CHOICE_VALUES, CHOICES, ROLE_PAIR, analysis_label, ci_method_label
from interplay.models.logistic import OK
from interplay.pair import Pair

CHOICE_COLUMNS = [
    "outcome",
    "coding",
    "covariates",
    "missing_data",
    "below_lod",
    "exclusions",
    "estimator",
]
SENSITIVITY_COLUMNS_SHOWN = [
    "analysis", "estimand", "estimate", "ci_low", "ci_high", "ci_method", "status",
]  # fmt: skip


@dataclass(frozen=True)
class EstimandDisplay:
    """How one estimand of the sensitivity table is shown."""

    title: str
    short: str
    axis: str
    ratio: bool  # odds-ratio scale: log axis, no effect at 1; otherwise linear, no effect at 0

    @property
    def null(self) -> float:
        """The value of no effect."""
        return 1.0 if self.ratio else 0.0


# The key estimands in panel order: axis title and scale (ratio: log axis, no effect at 1).
ESTIMAND_SCALES = {
    "exposure_or_modifier_low": ("OR (log scale)", True),
    "exposure_or_modifier_high": ("OR (log scale)", True),
    "ratio_of_odds_ratios": ("Ratio (log scale)", True),
    "reri": ("RERI", False),
}
KEY_ESTIMANDS = tuple(ESTIMAND_SCALES)


def estimand_displays(pair: Pair) -> dict[str, EstimandDisplay]:
    """How each key estimand is shown, its title and short form in the pair's words."""
    exposure, modifier = pair
    words = {
        f"exposure_or_modifier_{level}": (f"{exposure.label} OR at {modifier.group(level)}",) * 2
        for level in ("low", "high")
    }
    words["ratio_of_odds_ratios"] = ("Ratio of ORs (interaction)", "ratio of ORs")
    words["reri"] = ("RERI (additive interaction)", "RERI")
    return {
        name: EstimandDisplay(*words[name], axis, ratio)
        for name, (axis, ratio) in ESTIMAND_SCALES.items()
    }


# Estimands are comparable only within a family: odds ratios of high vs low groups (median or
# tertile codings) and the slopes of the continuous coding each get their own panels.
GROUPED = "grouped"
CONTINUOUS_FAMILY = "continuous"
# The continuous family's heading by the exposure's transform (the unit of its slopes).
CONTINUOUS_HEADERS = {"log2": "Per\ndoubling", "per_sd": "Per SD", "none": "Per unit"}
# The continuous column's heading when the analyses study several pairs, whose transforms differ.
SEVERAL_PAIRS_CONTINUOUS_HEADER = "Continuous\nslopes"
NOT_COMPUTED = "not computed"


def family_headers(pair: Pair, several: bool = False) -> dict[str, str]:
    """The heading of each estimand family's column of panels; with several pairs the slopes'
    unit is each pair's own transform, so the heading names none."""
    continuous = (
        SEVERAL_PAIRS_CONTINUOUS_HEADER if several else CONTINUOUS_HEADERS[pair.exposure.transform]
    )
    return {GROUPED: "High vs low group", CONTINUOUS_FAMILY: continuous}


def estimand_family(coding: str) -> str:
    """The estimand family of a pair coding: the continuous one's slopes, else grouped."""
    return CONTINUOUS_FAMILY if coding == "continuous" else GROUPED


def interval_family(method: str) -> str:
    """The legend entry of an interval method: model-based ones (Wald, Rubin, delta) share one."""
    if is_model_based(method):
        return "Model-based (Wald, Rubin's rules, delta method)"
    return ci_method_label(method)


def specification_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The sensitivity table's unstratified rows with interval and estimand family, estimability."""
    require(table, [*SENSITIVITY_COLUMNS_SHOWN, "coding"], "sensitivity")
    rows = whole_sample(table)
    return rows.assign(
        interval_family=rows["ci_method"].map(interval_family),
        estimand_family=rows["coding"].astype(str).map(estimand_family),
        estimable=estimable(rows),
    )


def specification_order(rows: pd.DataFrame, sort_by: str) -> list[str]:
    """Analyses by ascending estimable estimate of `sort_by`; the others follow, by name."""
    keyed = rows.loc[(rows["estimand"] == sort_by) & rows["estimable"]].sort_values(
        ["estimate", "analysis"], kind="stable"
    )
    ordered = list(dict.fromkeys(keyed.loc[keyed["estimate"].notna(), "analysis"]))
    rest = sorted(set(rows["analysis"]) - set(ordered))
    return ordered + rest


def several_pairs(rows: pd.DataFrame) -> bool:
    """Whether the analyses study more than one pair (sensitivity.tsv's pair column)."""
    return "pair" in rows and rows["pair"].nunique() > 1


def choice_matrix(rows: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Which analysis makes which choice: rows (choice, value), a boolean column per analysis;
    the pair first when the analyses study more than one."""
    shown = ["pair", *CHOICE_COLUMNS] if several_pairs(rows) else CHOICE_COLUMNS
    choices = [column for column in shown if column in rows.columns]
    per_analysis = rows.drop_duplicates("analysis").set_index("analysis").loc[list(order)]
    matrix = {}
    for choice in choices:
        values = per_analysis[choice].astype(str)
        for value in dict.fromkeys(values):
            matrix[(choice, value)] = (values == value).to_numpy()
    table = pd.DataFrame.from_dict(matrix, orient="index", columns=list(order))
    table.index = pd.MultiIndex.from_tuples(table.index, names=["choice", "value"])
    return table


def choice_labels(index: pd.MultiIndex, width: int = 30) -> list[str]:
    """'Choice: value' on a group's first row, the value alone below it, wrapped to `width`."""
    labels, previous = [], None
    for choice, value in index:
        text = CHOICE_VALUES.get(value) or value.replace("_", " ")
        label = text if choice == previous else f"{CHOICES.get(choice, choice)}: {text}"
        labels.append(textwrap.fill(label, width))
        previous = choice
    return labels


def estimand_panel(
    axes: Axes, rows: pd.DataFrame, estimand: EstimandDisplay, x: dict, families: list, style
) -> None:
    """One estimand's estimates and intervals in specification order, dodged by interval family."""
    for index, (family, colour, marker) in enumerate(
        zip(families, style.palette, MARKERS, strict=False)
    ):
        subset = rows.loc[rows["interval_family"] == family]
        offset = 0.3 * (index - (len(families) - 1) / 2)
        axes.errorbar(
            [x[a] + offset for a in subset["analysis"]],
            subset["estimate"],
            yerr=[subset["estimate"] - subset["ci_low"], subset["ci_high"] - subset["estimate"]],
            fmt=marker,
            color=colour,
            markersize=3,
            elinewidth=0.8,
            capsize=0,
            label=family,
        )
    axes.axhline(estimand.null, color=NEUTRAL, linewidth=0.6)
    values = np.append(rows[["ci_low", "ci_high"]].to_numpy(float).ravel(), estimand.null)
    values = values[np.isfinite(values)]
    if estimand.ratio:
        limits = padded_log_limits(values)
        log_axis(axes, "y", ratio_ticks(*limits))
    else:
        span = values.max() - values.min()
        # Only the no-effect line (nothing estimable): one unit either side of it.
        margin = 0.08 * span if span > 0 else 1.0
        limits = (values.min() - margin, values.max() + margin)
    axes.set_ylim(*limits)


def column_marks(
    axes: Axes, analyses: Sequence[str], x: dict, text: str, style: FigureStyle
) -> None:
    """`text` ('not estimable') written upright in the columns of the given analyses."""
    across = blended_transform_factory(axes.transData, axes.transAxes)
    for analysis in analyses:
        axes.text(
            x[analysis],
            0.5,
            text,
            transform=across,
            rotation=90,
            ha="center",
            va="center",
            color=NEUTRAL,
            fontsize=style.font_size - 1.5,
        )


def choice_panel(
    dots: Axes, matrix: pd.DataFrame, heights: np.ndarray, order: Sequence[str]
) -> None:
    """The dot matrix of each analysis's choices: black where it makes the choice."""
    centres = np.cumsum(heights) - heights / 2
    columns = np.arange(len(order))
    for centre, present in zip(centres, matrix.to_numpy(), strict=True):
        dots.scatter(columns[~present], np.full((~present).sum(), centre), s=4, color="#DDDDDD")
        dots.scatter(columns[present], np.full(present.sum(), centre), s=9, color="black")
    dots.set_ylim(heights.sum(), 0)
    choices = matrix.index.get_level_values("choice")
    for boundary in np.flatnonzero(choices[1:] != choices[:-1]):
        dots.axhline(np.cumsum(heights)[boundary], color=NEUTRAL, linewidth=0.4)
    dots.tick_params(axis="y", length=0)
    dots.spines["left"].set_visible(False)
    dots.set_xticks(columns, [analysis_label(a) for a in order], rotation=90)
    dots.set_xlim(-0.6, len(order) - 0.4)


def specification_curve_figure(
    table: pd.DataFrame,
    pair: Pair,
    style: FigureStyle,
    sort_by: str = "ratio_of_odds_ratios",
    primary: str = "primary",
) -> Figure:
    """Estimates with CIs per estimand across analyses, with each analysis's choices beneath.

    A column of panels per estimand family (grouped codings' odds ratios; slopes of the
    continuous coding), each with its own axis, as their estimates are not comparable. Titles
    use the words of `pair` (the primary analysis's), or the roles' words ('Exposure OR at
    Modifier low') when the analyses study more than one pair, whose pair the dot matrix then
    names. Within a family the panels share one order (ascending `sort_by`), so a column of the
    dot matrix below describes the analysis above it; the primary analysis is shaded.
    Stratified analyses (no unstratified row) are left out. An estimate whose fit failed (status
    not ok: separation, no convergence) is not drawn; its column says 'not estimable'.
    """
    rows = specification_rows(table)
    several = several_pairs(rows)
    displays = estimand_displays(ROLE_PAIR if several else pair)
    headers = family_headers(pair, several)
    families = [f for f in headers if f in set(rows["estimand_family"])]
    orders = {
        family: specification_order(rows.loc[rows["estimand_family"] == family], sort_by)
        for family in families
    }
    estimands = [e for e in displays if e in set(rows["estimand"])]
    interval_families = list(dict.fromkeys(rows["interval_family"]))
    all_analyses = [analysis for family in families for analysis in orders[family]]
    matrix = choice_matrix(rows, all_analyses)
    labels = choice_labels(matrix.index)
    # Matrix rows as tall as their wrapped labels (2.6 mm per text line).
    heights = np.array([label.count("\n") + 1 for label in labels], float)
    panel_mm, header_mm = 24, 1
    ratios = [header_mm] + [panel_mm] * len(estimands) + [2.6 * heights.sum() + 3]
    # Column widths follow the analyses each family holds; a narrow family keeps room for its axis.
    widths = [max(len(orders[family]), 2.5) for family in families]
    with styled(style):
        figure, grid = new_figure(
            style,
            height_mm=sum(ratios) + 62 + (0.0 if rows["estimable"].all() else NOTE_MM),
            nrows=len(ratios),
            ncols=len(families),
            sharex="col",
            squeeze=False,
            gridspec_kw={"height_ratios": ratios, "width_ratios": widths},
        )
        for column, family in enumerate(families):
            order = orders[family]
            x = {analysis: index for index, analysis in enumerate(order)}
            header = grid[0, column]
            header.axis("off")
            header.set_yticks([])
            header.set_title(
                headers[family], loc="left" if column == 0 else "right", fontweight="bold"
            )
            of_family = rows.loc[rows["estimand_family"] == family]
            for axes, name in zip(grid[1:-1, column], estimands, strict=True):
                axes.set_gid("estimate")
                of_estimand = of_family.loc[
                    (of_family["estimand"] == name) & of_family["estimate"].notna()
                ]
                if column == 0:
                    axes.set_title(displays[name].title, loc="left")
                if column > 0:
                    axes.yaxis.tick_right()
                    axes.yaxis.set_label_position("right")
                if of_estimand.empty:
                    axes.tick_params(
                        axis="y", left=False, right=False, labelleft=False, labelright=False
                    )
                    axes.spines[["left", "right"]].set_visible(False)
                    column_marks(axes, order, x, NOT_COMPUTED, style)
                    continue
                shown = of_estimand.loc[of_estimand["estimable"]]
                estimand_panel(axes, shown, displays[name], x, interval_families, style)
                axes.set_ylabel(displays[name].axis)
                if column > 0:
                    axes.spines["left"].set_visible(False)
                    axes.spines["right"].set_visible(True)
                failed = of_estimand.loc[~of_estimand["estimable"], "analysis"]
                column_marks(axes, list(dict.fromkeys(failed)), x, NOT_ESTIMABLE, style)
            dots = grid[-1, column]
            dots.set_gid("choices")
            choice_panel(dots, matrix[order], heights, order)
            centres = np.cumsum(heights) - heights / 2
            dots.set_yticks(centres, labels if column == 0 else [], fontsize=style.font_size - 1)
            if primary in x:
                for axes in grid[1:, column]:
                    axes.axvspan(
                        x[primary] - 0.5, x[primary] + 0.5, color=NEUTRAL, alpha=0.15, lw=0
                    )
        ordered_by = displays[sort_by].short if sort_by in displays else sort_by
        grid[-1, 0].set_xlabel(f"Analysis (by {ordered_by})", loc="left")
        handles = {}
        for axes in grid[1:-1].ravel():
            for handle, label in zip(*axes.get_legend_handles_labels(), strict=True):
                handles.setdefault(label, handle)
        if not rows["estimable"].all():
            handles[NOT_ESTIMABLE_NOTE] = Line2D([], [], linestyle="none")
        figure.legend(
            handles=list(handles.values()),
            labels=list(handles),
            loc="outside lower center",
            ncols=1,
            title="Intervals; shaded column: primary analysis",
            title_fontsize=style.font_size - 0.5,
        )
    return figure


# Replicate-file columns (table/group/term) of the key estimands, as in the sensitivity table.
BOOTSTRAP_COLUMNS = {
    "models/product_lincom/exposure_high|modifier_low": "exposure_or_modifier_low",
    "models/product_lincom/exposure_high|modifier_high": "exposure_or_modifier_high",
    "interaction/multiplicative/ratio_of_odds_ratios": "ratio_of_odds_ratios",
    "interaction/additive/reri": "reri",
}
SUMMARY_COLUMNS_SHOWN = [
    "table",
    "group",
    "term",
    "ci_method",
    "scale",
    "estimate",
    "ci_low",
    "ci_high",
]


def resample_estimates(replicates: pd.DataFrame) -> pd.DataFrame:
    """Each resample's key estimates, averaged over its imputations; odds ratios exponentiated.

    One row per resample, a column per estimand found (named as in ESTIMAND_SCALES); NaN where any
    imputation of the resample failed, as the bootstrap intervals count it.
    """
    require(replicates, ["replicate"], "bootstrap replicates")
    columns = [column for column in BOOTSTRAP_COLUMNS if column in replicates.columns]
    values = replicates[columns].astype(float)
    by_resample = replicates["replicate"]
    means = values.groupby(by_resample).mean().mask(values.isna().groupby(by_resample).any())
    for column in columns:
        if ESTIMAND_SCALES[BOOTSTRAP_COLUMNS[column]][1]:
            means[column] = np.exp(means[column])
    return means.rename(columns=BOOTSTRAP_COLUMNS).reset_index(drop=True)


def summary_rows(summary: pd.DataFrame, estimand: str) -> pd.DataFrame:
    """The bootstrap summary rows of one estimand on the reporting scale (ORs exponentiated)."""
    require(summary, SUMMARY_COLUMNS_SHOWN, "bootstrap summary")
    key = summary["table"] + "/" + summary["group"] + "/" + summary["term"].astype(str)
    column = next(c for c, name in BOOTSTRAP_COLUMNS.items() if name == estimand)
    rows = summary.loc[key == column].copy()
    logged = rows["scale"] == "log"
    for name in ("estimate", "ci_low", "ci_high"):
        rows[name] = np.where(logged, np.exp(rows[name]), rows[name])
    return rows


def reported_estimates(models: pd.DataFrame, interaction: pd.DataFrame) -> pd.DataFrame:
    """The model-based estimate of each key estimand as the analysis tables report it.

    Columns: estimand, estimate (odds ratios exponentiated, the RERI as is), status; the
    unstratified rows of the model-based interval method (Wald, Rubin's rules, delta method).
    """
    require(models, ["model", "term", "odds_ratio", "ci_method", "status"], "models")
    require(interaction, ["scale", "measure", "estimate", "ci_method", "status"], "interaction")
    tables = {
        "models": (whole_sample(models), "model", "term", "odds_ratio"),
        "interaction": (whole_sample(interaction), "scale", "measure", "estimate"),
    }
    rows = []
    for column, estimand in BOOTSTRAP_COLUMNS.items():
        name, group, term = column.split("/", 2)
        table, group_column, term_column, value = tables[name]
        found = table.loc[
            (table[group_column] == group)
            & (table[term_column] == term)
            & table["ci_method"].map(is_model_based)
        ]
        if len(found):
            row = found.iloc[0]
            rows.append((estimand, float(row[value]), row["status"]))
    return pd.DataFrame(rows, columns=["estimand", "estimate", "status"])


def bootstrap_figure(
    resamples: pd.DataFrame,
    summary: pd.DataFrame,
    reported: pd.DataFrame,
    pair: Pair,
    bins: int,
    style: FigureStyle,
) -> Figure:
    """Histogram of the resampled key estimates with the reported estimate and the intervals.

    The solid line is the model-based estimate of the analysis tables (`reported`), not the
    bootstrap mean; an estimand whose fit failed (status not ok) gets no line and says
    'not estimable', as does one without a usable resample.
    """
    displays = estimand_displays(pair)
    estimands = [name for name in displays if name in resamples.columns]
    methods = list(dict.fromkeys(summary["ci_method"]))
    reported = reported.set_index("estimand")
    usable = {name: resamples[name].to_numpy(float) for name in estimands}
    usable = {
        name: values[np.isfinite(values) & ((values > 0) | (not displays[name].ratio))]
        for name, values in usable.items()
    }
    failed = [
        name
        for name in estimands
        if not len(usable[name]) or (name in reported.index and reported.loc[name, "status"] != OK)
    ]
    nrows = (len(estimands) + 1) // 2
    note_mm = NOTE_MM if len(failed) else 0.0
    with styled(style):
        figure, panels = new_figure(
            style, height_mm=18 + 46 * nrows + note_mm, nrows=nrows, ncols=2
        )
        panels = np.atleast_1d(panels).ravel()
        for axes, name in zip(panels, estimands, strict=False):
            estimand = displays[name]
            values, finite = resamples[name].to_numpy(float), usable[name]
            axes.set_title(
                f"{estimand.title}\n{len(finite):,}/{len(values):,} resamples usable",
                loc="left",
                fontsize=style.font_size - 0.5,
            )
            axes.set_xlabel(estimand.axis)
            axes.set_ylabel("Resamples (n)")
            if name in failed:
                axes.text(
                    0.5, 0.5, NOT_ESTIMABLE, transform=axes.transAxes, ha="center",
                    color=NEUTRAL,
                )  # fmt: skip
                axes.set_yticks([])
                axes.set_xticks([])
                continue
            # At most `bins`, fewer for few resamples (Rice rule, 2 n^(1/3)).
            count = min(bins, int(np.ceil(2 * len(finite) ** (1 / 3))))
            spaced = np.geomspace if estimand.ratio else np.linspace
            edges = spaced(finite.min(), finite.max(), count + 1)
            counts, _ = np.histogram(finite, bins=edges)
            axes.stairs(counts, edges, fill=True, color=style.palette[5], label="Resamples")
            shown = edges
            if name in reported.index:
                estimate = reported.loc[name, "estimate"]
                axes.axvline(estimate, color="black", label="Reported estimate")
                shown = np.append(shown, estimate)
            rows = summary_rows(summary, name)
            for method, colour in zip(methods, style.palette[1:], strict=False):
                for limit in rows.loc[rows["ci_method"] == method, ["ci_low", "ci_high"]].stack():
                    axes.axvline(limit, color=colour, linestyle="--", linewidth=0.9)
            axes.axvline(estimand.null, color=NEUTRAL, linewidth=0.6)
            if estimand.ratio:
                log_axis(axes, "x", ratio_ticks(*padded_log_limits(np.append(shown, 1.0))))
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        for axes in panels[len(estimands) :]:
            axes.set_visible(False)
        handles = [
            Line2D([], [], color="black", label="Reported estimate (model-based)"),
            *[
                Line2D([], [], color=c, linestyle="--", label=ci_method_label(m))
                for m, c in zip(methods, style.palette[1:], strict=False)
            ],
        ]
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=2,
            title=NOT_ESTIMABLE_NOTE if len(failed) else None,
            title_fontsize=style.font_size - 0.5,
        )
    return figure
