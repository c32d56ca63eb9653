"""Figures of the sample: participant flow, biomarker distributions, missing-data patterns.

Patient rows are reduced to counts by the aggregation functions here (biomarker_histograms,
missing_patterns) before anything is drawn; the plotting functions only ever see aggregates.
"""

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from interplay import privacy
from interplay.data.biomarkers import below_lod
from interplay.errors import InputError
from interplay.figures.style import (
    NEUTRAL,
    FigureStyle,
    log_axis,
    new_figure,
    panel_label,
    require,
    styled,
)
from interplay.figures.words import axis_label, log_scale, measured_label, unit_text
from interplay.labels import stage_label, variable_label
from interplay.pair import Pair, Variable
from interplay.privacy import count_text

HISTOGRAM_COLUMNS = ["biomarker", "low", "high", "count", "below_lod"]
NOT_DRAWN_NOTE = "Bins with suppressed counts not drawn"
OTHER_PATTERNS = "other patterns (suppressed)"


def flow_figure(flow: pd.DataFrame, style: FigureStyle) -> Figure:
    """STROBE participant-flow diagram: a box per stage, each exclusion beside its arrow.

    A stage between the first and the last that excluded nobody is not drawn (flow.tsv keeps it).
    """
    require(flow, ["stage", "n", "excluded", "reason"], "flow")
    inner = (flow.index > flow.index[0]) & (flow.index < flow.index[-1])
    flow = flow[~(inner & (flow["excluded"] == 0))].reset_index(drop=True)
    main_x, side_x, step = 0.25, 0.52, 2.0
    box = {"boxstyle": "round,pad=0.45", "facecolor": "white", "linewidth": 0.7}
    arrow = {"arrowstyle": "-|>", "linewidth": 0.7, "color": "black", "shrinkA": 0, "shrinkB": 0}
    last = len(flow) - 1
    with styled(style):
        figure, axes = new_figure(style, height_mm=12 + 21 * last)
        axes.set_axis_off()
        axes.set_xlim(0, 1)
        axes.set_ylim(-step * last - 0.9, 0.7)
        boxes = []
        for index, row in enumerate(flow.itertuples(index=False)):
            label = textwrap.fill(stage_label(row.stage), 26)
            if index == last:
                label = f"Analytic sample:\n{label}"
            weight = "bold" if index == last else "normal"
            boxes.append(
                axes.text(
                    main_x,
                    -step * index,
                    f"{label}\nn = {count_text(row.n, thousands=True)}",
                    ha="center",
                    va="center",
                    bbox={**box, "edgecolor": "black"},
                    fontweight=weight,
                )
            )
        for index, row in enumerate(flow.itertuples(index=False)):
            if index == 0:
                continue
            axes.annotate("", (0.5, 1), (0.5, 0), boxes[index], boxes[index - 1], arrowprops=arrow)
            middle = -step * (index - 0.5)
            reason = textwrap.fill(str(row.reason), 28)
            side = axes.text(
                side_x,
                middle,
                f"Excluded, n = {count_text(row.excluded, thousands=True)}:\n{reason}",
                ha="left",
                va="center",
                bbox={**box, "edgecolor": NEUTRAL},
            )
            axes.annotate("", (0, 0.5), (main_x, middle), side, "data", arrowprops=arrow)
    return figure


def histogram(values: pd.Series, edges: np.ndarray) -> pd.DataFrame:
    """Counts of values in the bins [edges[i], edges[i+1]) (last bin closed): low, high, count."""
    counts, _ = np.histogram(values.dropna().to_numpy(float), bins=edges)
    return pd.DataFrame({"low": edges[:-1], "high": edges[1:], "count": counts})


def variable_bars(dataset: pd.DataFrame, variable: Variable, lod: float, bins: int) -> pd.DataFrame:
    """One variable's histogram: a bar per value of a binary variable or of whole-number scores
    spanning fewer than `bins` values; else `bins` bins (log-spaced on a log_scale) and, for a
    variable with an LOD, a bar of its below-LOD values."""
    if variable.is_binary:
        bars = histogram(dataset[variable.role], np.array([-0.5, 0.5, 1.5]))
        return bars.assign(biomarker=variable.role, below_lod=False)
    below = below_lod(dataset, variable)
    values = dataset.loc[~below, variable.role].dropna()
    if not log_scale(variable):
        low, high = float(values.min()), float(values.max())
        whole = bool((values == values.round()).all()) and high - low < bins
        # Whole-number scores (a scale, a count) get a bar per value, not bins between them.
        edges = np.arange(low - 0.5, high + 1.0) if whole else np.linspace(low, high, bins + 1)
        return histogram(values, edges).assign(biomarker=variable.role, below_lod=False)
    if (values <= 0).any():
        raise InputError(
            f"{variable.label} has {int((values <= 0).sum())} values at or below 0, which a log "
            "axis cannot show",
            file="analysis dataset",
            column=variable.column,
            fix=f"check the {variable.column} values: a log2 transform or a limit of detection "
            "needs values above 0",
        )
    low = min(lod, float(values.min())) if variable.is_assay else float(values.min())
    edges = np.geomspace(low, float(values.max()), bins + 1)
    bars = histogram(values, edges).assign(biomarker=variable.role, below_lod=False)
    if not below.any():
        return bars
    ratio = edges[1] / edges[0]
    below_bar = pd.DataFrame(
        {
            "biomarker": [variable.role],
            "low": [lod / ratio],
            "high": [lod],
            "count": [int(below.sum())],
        }
    ).assign(below_lod=True)
    return pd.concat([below_bar, bars], ignore_index=True)


def biomarker_histograms(
    dataset: pd.DataFrame, cutpoints: pd.DataFrame, pair: Pair, bins: int = 30
) -> pd.DataFrame:
    """Histogram counts of the pair's two variables, the exposure first (variable_bars).

    Columns: biomarker (the role: exposure | modifier), low, high, count, below_lod. A below-LOD
    bar spans one log bin width ending at the LOD (the largest, when cells name several): those
    values are known only to lie below it.
    """
    require(dataset, [variable.role for variable in pair], "analysis dataset")
    require(cutpoints, ["role", "cut", "value"], "cutpoints")
    parts = [
        variable_bars(dataset, variable, largest_lod(cutpoints, variable), bins)
        for variable in pair
    ]
    return pd.concat(parts, ignore_index=True)[HISTOGRAM_COLUMNS]


def protected_histograms(
    histograms: pd.DataFrame, min_count: int | None, name: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """biomarker_histograms() with small bars suppressed (count NA), and what was."""
    return privacy.protect(histograms, privacy.HISTOGRAM, min_count, name)


def largest_lod(cutpoints: pd.DataFrame, variable: Variable) -> float:
    """A variable's largest limit of detection in the cutpoints table (one row per distinct
    limit), else its configured one; NaN for a variable without an LOD."""
    if not variable.is_assay:
        return float("nan")
    rows = cutpoints.loc[cutpoints["role"] == variable.role]
    lods = rows.loc[rows["cut"] == "lod", "value"]
    return float(lods.max()) if not lods.empty else float(variable.lod)


def cut_value(cutpoints: pd.DataFrame, variable: Variable, cut: str) -> float:
    """One cut-point's value from the cutpoints table."""
    rows = cutpoints.loc[cutpoints["role"] == variable.role]
    match = rows.loc[rows["cut"] == cut]
    if match.empty:
        raise InputError(
            f"the cutpoints table has no {cut} for {variable.label}",
            file="cutpoints",
            column="cut",
            fix="re-create results/tables/cutpoints.tsv with the current workflow",
        )
    return float(match["value"].iloc[0])


def cut_text(value: float) -> str:
    """A cut-point for a legend: a whole number as it is (a score), else three significant digits
    below 10 and one decimal above."""
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def lod_marks(
    axes: Axes, bars: pd.DataFrame, cutpoints: pd.DataFrame, variable: Variable, line_top: float
) -> None:
    """The below-LOD bar (hatched) and the dotted LOD line of a variable with an LOD."""
    lod = largest_lod(cutpoints, variable)
    rows = cutpoints.loc[cutpoints["role"] == variable.role]
    several = int((rows["cut"] == "lod").sum()) > 1
    below = bars.loc[bars["below_lod"]]
    if not below.empty:
        axes.bar(
            below["low"],
            below["count"].fillna(0),
            width=below["high"] - below["low"],
            align="edge",
            color="white",
            edgecolor=NEUTRAL,
            hatch="////",
            linewidth=0.6,
            label=f"Below LOD, n = {count_text(below['count'].iloc[0], thousands=True)}",
        )
    axes.axvline(
        lod,
        ymax=line_top,
        color="black",
        linestyle=":",
        linewidth=1,
        label=f"{'Largest LOD' if several else 'LOD'} {lod:g}{unit_text(variable)}",
    )


def cut_marks(
    axes: Axes, cutpoints: pd.DataFrame, variable: Variable, palette: Sequence[str], line_top: float
) -> None:
    """The tertile cut lines of a variable and the cut of its split: the median, or its
    threshold (cutpoints.tsv has the median row only for a median split)."""
    unit = unit_text(variable)
    first = cut_value(cutpoints, variable, "tertile_1")
    second = cut_value(cutpoints, variable, "tertile_2")
    if variable.split == "median":
        median = cut_value(cutpoints, variable, "median")
        axes.axvline(
            median,
            ymax=line_top,
            color=palette[1],
            linewidth=1.2,
            label=f"Median {cut_text(median)}{unit}",
        )
    for value, label in (
        (first, f"Tertile cuts {cut_text(first)}, {cut_text(second)}{unit}"),
        (second, None),
    ):
        axes.axvline(
            value, ymax=line_top, color=palette[2], linestyle="--", linewidth=1, label=label
        )
    if variable.split == "threshold":
        axes.axvline(
            variable.threshold,
            ymax=line_top,
            color=palette[3],
            linewidth=1.2,
            linestyle="-.",
            label=f"Split: high {variable.levels[1]}{unit}",
        )


def biomarker_figure(
    histograms: pd.DataFrame, cutpoints: pd.DataFrame, pair: Pair, style: FigureStyle
) -> Figure:
    """Histograms of the pair's two variables with their cut-points, a panel each.

    A biomarker has a log axis (its LOD marked if it has one), other variables a linear one; a
    binary variable is two bars without cut-points.
    """
    require(histograms, HISTOGRAM_COLUMNS, "biomarker histograms")
    palette = style.palette
    # Cut-point lines stop below the legend, which sits in the headroom above the bars.
    headroom, line_top = 1.55, 0.68
    with styled(style):
        figure, panels = new_figure(style, height_mm=105, nrows=2)
        for axes, variable, letter in zip(panels, pair, "ab", strict=True):
            bars = histograms.loc[histograms["biomarker"] == variable.role]
            measured = bars.loc[~bars["below_lod"]]
            binary = variable.is_binary
            axes.bar(
                measured["low"] + (0.1 if binary else 0.0),
                measured["count"].fillna(0),
                width=measured["high"] - measured["low"] - (0.2 if binary else 0.0),
                align="edge",
                color=palette[5],
                edgecolor="white",
                linewidth=0.3,
                label="Patients" if binary else "Patients per bin",
            )
            if binary:
                low, high = variable.levels
                axes.set_xticks([0, 1], [f"{variable.label} {low}", f"{variable.label} {high}"])
                axes.set_xlabel(measured_label(variable))
            else:
                if log_scale(variable):
                    log_axis(axes, "x")
                if variable.is_assay:
                    lod_marks(axes, bars, cutpoints, variable, line_top)
                cut_marks(axes, cutpoints, variable, palette, line_top)
                axes.set_xlabel(axis_label(variable, log=log_scale(variable)))
            axes.set_ylabel("Patients (n)")
            axes.set_ylim(0, bars["count"].max() * headroom)
            # The note is a legend entry without a symbol, so that it never covers the legend.
            note = {}
            if bars["count"].isna().any():
                handles = axes.get_legend_handles_labels()[0]
                note = {"handles": [*handles, Patch(color="none", label=NOT_DRAWN_NOTE)]}
            axes.legend(**note, loc="upper right", handlelength=1.6, ncols=2, columnspacing=1.0)
            panel_label(axes, letter)
    return figure


def missing_patterns(dataset: pd.DataFrame, variables: Sequence[str]) -> pd.DataFrame:
    """Counts of each missingness pattern: a 0/1 column per variable (1 = missing), n.

    Most frequent pattern first; ties by fewer missing variables, then by the pattern itself.
    """
    require(dataset, list(variables), "analysis dataset")
    missing = dataset[list(variables)].isna().astype(int)
    patterns = missing.value_counts(sort=False).rename("n").reset_index()
    patterns["n_missing"] = patterns[list(variables)].sum(axis=1)
    order = ["n", "n_missing", *variables]
    ascending = [False, True] + [True] * len(variables)
    return patterns.sort_values(order, ascending=ascending, kind="stable").reset_index(drop=True)


def pattern_variables(patterns: pd.DataFrame) -> list[str]:
    """The variables of a missing_patterns() table (its 0/1 columns)."""
    return [column for column in patterns.columns if column not in ("n", "n_missing")]


def missing_value_totals(patterns: pd.DataFrame) -> pd.Series:
    """Missing values per variable, summed over the patterns of a missing_patterns() table."""
    variables = pattern_variables(patterns)
    totals = (patterns[variables].to_numpy(float) * patterns[["n"]].to_numpy(float)).sum(axis=0)
    return pd.Series(totals, index=variables)


def pattern_name(pattern: pd.Series) -> str:
    """A pattern in words, e.g. 'missing age, sofas' or 'none missing'."""
    missing = [variable for variable, flag in pattern.items() if flag == 1]
    return f"missing {', '.join(missing)}" if missing else "none missing"


def pattern_cells(patterns: pd.DataFrame) -> pd.DataFrame:
    """The counts of the figure as one table (privacy.MISSING_PATTERNS): patterns, then totals."""
    variables = pattern_variables(patterns)
    names = patterns[variables].apply(pattern_name, axis=1)
    totals = missing_value_totals(patterns)
    return pd.concat(
        [
            patterns.assign(part="pattern", pattern=names),
            pd.DataFrame({"part": "total", "pattern": variables, "n": totals.to_numpy(int)}),
        ],
        ignore_index=True,
    )


def protected_missing_patterns(
    patterns: pd.DataFrame, min_count: int | None, name: str
) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """missing_patterns() with suppressed patterns merged into one last row (variables NA), the
    missing values per variable (NA where suppressed), and the suppression log."""
    cells, log = privacy.protect(pattern_cells(patterns), privacy.MISSING_PATTERNS, min_count, name)
    variables = pattern_variables(patterns)
    totals = cells.loc[cells["part"] == "total"].set_index("pattern")["n"].rename_axis(None)
    pattern_rows = cells.loc[cells["part"] == "pattern"]
    kept = pattern_rows["n"].notna()
    protected = patterns.loc[kept.to_numpy()]
    if not kept.all():
        merged = {"n": int(patterns.loc[~kept.to_numpy(), "n"].sum()), "n_missing": np.nan}
        other = pd.DataFrame([merged | dict.fromkeys(variables, np.nan)])[patterns.columns]
        protected = pd.concat([protected, other], ignore_index=True)
    return protected, totals.astype(float), log


def missing_pattern_figure(
    patterns: pd.DataFrame, totals: pd.Series, style: FigureStyle, max_rows: int = 25
) -> Figure:
    """Grid of missingness patterns (rows) by variable, with patient and missing-value counts.

    A last row with no pattern (variables NA) holds the suppressed patterns, its count not shown;
    a total NA (suppressed) is labelled so.
    """
    require(patterns, ["n", "n_missing"], "missing patterns")
    variables = pattern_variables(patterns)
    other = patterns[variables].isna().any(axis=1)
    shown = pd.concat([patterns.loc[~other].head(max_rows), patterns.loc[other]])
    hidden = patterns.loc[~other].iloc[max_rows:]
    grid = shown[variables].to_numpy(float)
    colours = ListedColormap([style.palette[5], style.palette[1]])
    height = 40 + 3.2 * len(shown)
    with styled(style):
        figure, axes = new_figure(style, height_mm=height)
        axes.imshow(grid, cmap=colours, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        axes.set_xticks(np.arange(len(variables)) - 0.5, minor=True)
        axes.set_yticks(np.arange(len(shown)) - 0.5, minor=True)
        axes.grid(which="minor", color="white", linewidth=0.8)
        axes.tick_params(which="minor", length=0)
        row_labels = [
            OTHER_PATTERNS if merged else f"{int(n):,}"
            for n, merged in zip(shown["n"], other.loc[shown.index], strict=True)
        ]
        axes.set_yticks(np.arange(len(shown)), row_labels)
        axes.set_ylabel("Patients with the pattern (n)")
        axes.set_xticks(
            np.arange(len(variables)),
            [count_text(totals[variable], thousands=True) for variable in variables],
        )
        axes.tick_params(axis="x", labelrotation=90)
        axes.set_xlabel("Missing values per variable (n)")
        top = axes.secondary_xaxis("top")
        top.set_xticks(np.arange(len(variables)), [variable_label(v) for v in variables])
        top.tick_params(axis="x", labelrotation=90, length=0)
        right = axes.secondary_yaxis("right")
        right.set_yticks(
            np.arange(len(shown)), ["" if pd.isna(k) else str(int(k)) for k in shown["n_missing"]]
        )
        right.tick_params(length=0)
        right.set_ylabel("Missing variables in the pattern (n)")
        for spine in [*axes.spines.values(), *top.spines.values(), *right.spines.values()]:
            spine.set_visible(False)
        axes.tick_params(length=0)
        legend = [
            Patch(color=style.palette[5], label="Observed"),
            Patch(color=style.palette[1], label="Missing"),
        ]
        note = ""
        if len(hidden):
            note = f"; {len(hidden)} rarer patterns ({int(hidden['n'].sum()):,} patients) not shown"
        if other.any():
            note += "; rare patterns merged"
        figure.legend(
            handles=legend,
            loc="outside lower center",
            ncols=2,
            title=f"{int(patterns['n'].sum()):,} patients, {int((~other).sum())} patterns{note}",
            title_fontsize=style.font_size - 0.5,
        )
    return figure
