"""Figures of the continuous interaction: predicted probabilities and the Johnson–Neyman plot."""

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from interplay.figures.effects import NOT_ESTIMABLE, NOT_ESTIMABLE_NOTE, NOTE_MM, estimable
from interplay.figures.style import (
    MODEL_BASED_METHODS,
    NEUTRAL,
    FigureStyle,
    log_axis,
    new_figure,
    padded_log_limits,
    ratio_ticks,
    require,
    styled,
    whole_sample,
)
from interplay.figures.words import axis_label, measured_label, unit_text
from interplay.interaction.slopes import POINTWISE
from interplay.labels import JOHNSON_NEYMAN_METHODS, johnson_neyman_method
from interplay.pair import Pair

# Besides the pair's value columns, named by role: exposure, modifier.
PREDICTION_COLUMNS = ["modifier_percentile", "probability", "ci_low", "ci_high"]
SLOPE_COLUMNS = ["percentile", "estimate", "std_error", "odds_ratio", "ci_low", "ci_high"]
REGION_COLUMNS = [
    "method", "modifier_from", "modifier_to", "significant", "observed_share", "critical_value",
]  # fmt: skip
# The bands drawn as line pairs beside the filled pointwise one (johnson_neyman.tsv method).
BAND_LINES = {"scheffe": ":", "sup_t": "--", "esarey_sumner": "-."}
BAND_NAMES = {"scheffe": "Scheffé", "sup_t": "sup-t", "esarey_sumner": "Esarey–Sumner"}
# Critical values closer than this draw lines that cannot be told apart: drawn once.
SAME_BAND_TOLERANCE = 0.01


def ordinal(number: float) -> str:
    """10 -> '10th', 1 -> '1st', 22 -> '22nd'."""
    value = round(number)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def percent_limits(low: float, high: float) -> tuple[float, float]:
    """Axis limits in percent around [low, high], widened to whole tens within 0–100."""
    return max(0.0, np.floor(low / 10 - 0.2) * 10), min(100.0, np.ceil(high / 10 + 0.2) * 10)


def masked(rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`rows` with the given columns NaN where the fit failed (status not ok): not drawn."""
    return rows.assign(**{c: rows[c].where(estimable(rows)) for c in columns})


def not_estimable_text(axes: Axes, style: FigureStyle) -> None:
    """'not estimable' across the middle of an axes whose every estimate failed."""
    axes.text(
        0.5, 0.6, NOT_ESTIMABLE, transform=axes.transAxes, ha="center", color=NEUTRAL,
        fontsize=style.font_size,
    )  # fmt: skip


def prediction_figure(
    predictions: pd.DataFrame, pair: Pair, outcome_label: str, ci_level: float, style: FigureStyle
) -> Figure:
    """Predicted outcome probability across the exposure, a line per modifier percentile.

    The exposure axis is logarithmic for a log2-transformed exposure, linear otherwise.
    Bands (pointwise CIs) are drawn for the lowest and highest percentile only: five overlapping
    bands hide each other. Predictions whose fit failed (status not ok) are not drawn; their
    legend entry says 'not estimable'.
    """
    x, z = (variable.role for variable in pair)
    require(predictions, [x, z, *PREDICTION_COLUMNS, "status"], "predictions")
    log = pair.exposure.transform == "log2"
    predictions = whole_sample(predictions)
    failed = ~estimable(predictions)
    predictions = masked(predictions, ["probability", "ci_low", "ci_high"])
    percentiles = sorted(predictions["modifier_percentile"].unique())
    banded = {percentiles[0], percentiles[-1]}
    with styled(style):
        figure, axes = new_figure(style, height_mm=80 + (NOTE_MM if failed.any() else 0.0))
        for percentile, colour in zip(percentiles, style.palette, strict=False):
            curve = predictions.loc[predictions["modifier_percentile"] == percentile].sort_values(x)
            value = curve[z].iloc[0]
            if percentile in banded:
                axes.fill_between(
                    curve[x],
                    100 * curve["ci_low"],
                    100 * curve["ci_high"],
                    color=colour,
                    alpha=0.18,
                    linewidth=0,
                )
            drawn = curve["probability"].notna().any()
            axes.plot(
                curve[x],
                100 * curve["probability"],
                color=colour,
                label=f"{ordinal(percentile)} ({value:.1f}{unit_text(pair.modifier)})"
                + ("" if drawn else f": {NOT_ESTIMABLE}"),
            )
        if log:
            log_axis(axes, "x")
        axes.set_xlim(predictions[x].min(), predictions[x].max())
        shown = predictions.loc[predictions["modifier_percentile"].isin(banded)]
        if shown["ci_low"].notna().any():
            low, high = 100 * shown["ci_low"].min(), 100 * shown["ci_high"].max()
            axes.set_ylim(*percent_limits(low, high))
        else:
            axes.set_ylim(0, 100)
            not_estimable_text(axes, style)
        axes.set_xlabel(axis_label(pair.exposure, log=log))
        axes.set_ylabel(f"Predicted {outcome_label.lower()} (%)")
        bands = " and ".join(ordinal(p) for p in sorted(banded))
        note = f"\n{NOT_ESTIMABLE_NOTE}" if failed.any() else ""
        figure.legend(
            title=f"{measured_label(pair.modifier)} percentile; bands: {ci_level:.0%} CI at the "
            f"{bands}{note}",
            loc="outside lower center",
            ncols=2,
            title_fontsize=style.font_size - 0.5,
            columnspacing=1.0,
        )
    return figure


def finite_region(region: pd.Series, low: float, high: float) -> tuple[float, float]:
    """A Johnson–Neyman region clipped to the plotted modifier range."""
    return max(float(region["modifier_from"]), low), min(float(region["modifier_to"]), high)


def method_rows(regions: pd.DataFrame, method: str) -> pd.DataFrame:
    """The Johnson–Neyman regions of one method (johnson_neyman.tsv method)."""
    return regions.loc[regions["method"] == method]


def band_limits(grid: pd.DataFrame, critical: float) -> tuple[np.ndarray, np.ndarray]:
    """Odds-ratio band exp(estimate ∓ c·std_error) of the slopes grid at critical value c."""
    half = critical * grid["std_error"].to_numpy(float)
    estimate = grid["estimate"].to_numpy(float)
    return np.exp(estimate - half), np.exp(estimate + half)


def band_lines(regions: pd.DataFrame) -> list[tuple[str, float, list[str]]]:
    """The band lines to draw, in BAND_LINES order: (method drawn, critical value, the later
    methods within SAME_BAND_TOLERANCE of it, drawn once under the first one's line)."""
    drawn: list[tuple[str, float, list[str]]] = []
    for method in BAND_LINES:
        rows = method_rows(regions, method)
        if rows.empty:
            continue
        critical = float(rows["critical_value"].iloc[0])
        same = [entry for entry in drawn if abs(entry[1] - critical) < SAME_BAND_TOLERANCE]
        if same:
            same[0][2].append(method)
        else:
            drawn.append((method, critical, []))
    return drawn


def band_label(method: str, same: list[str], ci_level: float) -> str:
    """Legend words of a band line ('simultaneous 95% (Scheffé) band'), naming the methods whose
    critical value it shares."""
    words = johnson_neyman_method(method, ci_level)
    if BAND_NAMES[method] not in words:
        words += f" ({BAND_NAMES[method]})"
    return f"{words} band" + (
        f"; {' and '.join(BAND_NAMES[m] for m in same)} the same to {SAME_BAND_TOLERANCE:g}"
        if same
        else ""
    )


def draw_region_strips(
    axes: Axes, regions: pd.DataFrame, low: float, high: float, ci_level: float, colour: str
) -> None:
    """A strip per method below the curve, filled where that method finds the slope ≠ 0."""
    methods = [m for m in JOHNSON_NEYMAN_METHODS if m in set(regions["method"])]
    if not methods:  # every fit failed: nothing to mark, the axis and its label stay
        axes.set_yticks([])
        return
    for row, method in enumerate(methods):
        drawn = False
        for _, region in method_rows(regions, method).iterrows():
            start, end = finite_region(region, low, high)
            if bool(region["significant"]) and start < end:
                axes.broken_barh([(start, end - start)], (row - 0.35, 0.7), color=colour)
                drawn = True
        if not drawn:
            axes.text(low + 0.01 * (high - low), row, "none", va="center", color=NEUTRAL)
    axes.set_yticks(range(len(methods)), [johnson_neyman_method(m, ci_level) for m in methods])
    axes.set_ylim(len(methods) - 0.5, -0.5)
    axes.tick_params(axis="y", length=0)
    axes.set_title("Odds ratio ≠ 1 (filled), by critical value", loc="left")


def johnson_neyman_figure(
    slopes: pd.DataFrame, regions: pd.DataFrame, pair: Pair, ci_level: float, style: FigureStyle
) -> Figure:
    """The exposure's OR across the modifier with its pointwise band (filled) and a line pair per
    band with multiplicity control (Scheffé, sup-t, Esarey–Sumner; one line for bands with equal
    critical values); below it, a strip per Johnson–Neyman method marking where the OR is not 1."""
    z = pair.modifier.role
    require(slopes, [z, *SLOPE_COLUMNS, "status"], "slopes")
    require(regions, [*REGION_COLUMNS, "status"], "johnson_neyman")
    slopes, regions = whole_sample(slopes), whole_sample(regions)
    # Slopes and regions whose fit failed (status not ok) are not drawn; the legend says why.
    failed = not (estimable(slopes).all() and estimable(regions).all())
    slopes = masked(slopes, ["estimate", "odds_ratio", "ci_low", "ci_high"])
    regions = regions.loc[estimable(regions)]
    # The Johnson–Neyman boundaries come from the model-based intervals: draw those.
    if "ci_method" in slopes.columns:
        slopes = slopes.loc[slopes["ci_method"].isin(MODEL_BASED_METHODS)]
    grid = slopes.loc[slopes["percentile"].isna()].sort_values(z)
    marked = slopes.loc[slopes["percentile"].notna()]
    low, high = float(grid[z].min()), float(grid[z].max())
    lines = band_lines(regions)
    band = np.concatenate(
        [
            grid[["ci_low", "ci_high"]].to_numpy(float).ravel(),
            *(np.concatenate(band_limits(grid, critical)) for _, critical, _ in lines),
        ]
    )
    limits = padded_log_limits(band if np.isfinite(band).any() else np.array([1.0]))
    palette = style.palette
    with styled(style):
        figure, (axes, strips) = new_figure(
            style,
            height_mm=105 + (NOTE_MM if failed else 0.0),
            nrows=2,
            sharex=True,
            gridspec_kw={"height_ratios": [4, 1]},
        )
        if not np.isfinite(band).any():
            not_estimable_text(axes, style)
        pointwise = method_rows(regions, POINTWISE)
        for _, region in pointwise.loc[pointwise["significant"].astype(bool)].iterrows():
            start, end = finite_region(region, low, high)
            if start >= end:
                continue
            axes.axvspan(
                start,
                end,
                color=palette[4],
                alpha=0.18,
                linewidth=0,
                label=f"{pair.exposure.label} slope ≠ 0 (p < {1 - ci_level:.2g}): "
                f"{start:.1f}–{end:.1f}{unit_text(pair.modifier)}, "
                f"{region['observed_share']:.0%} of patients",
            )
            for boundary, finite in (
                (start, region["modifier_from"]),
                (end, region["modifier_to"]),
            ):
                if np.isfinite(finite):
                    axes.axvline(boundary, color=palette[4], linewidth=0.8, linestyle="--")
        for method, critical, same in lines:
            for side, edge in enumerate(band_limits(grid, critical)):
                axes.plot(
                    grid[z],
                    edge,
                    color=palette[0],
                    linewidth=0.8,
                    linestyle=BAND_LINES[method],
                    label=band_label(method, same, ci_level) if side == 0 else None,
                )
        axes.fill_between(
            grid[z],
            grid["ci_low"],
            grid["ci_high"],
            color=palette[0],
            alpha=0.25,
            linewidth=0,
            label=f"{johnson_neyman_method(POINTWISE, ci_level)} confidence band",
        )
        axes.plot(
            grid[z],
            grid["odds_ratio"],
            color=palette[0],
            label="Odds ratio (continuous model)",
        )
        axes.plot(
            marked[z],
            marked["odds_ratio"],
            "o",
            color=palette[0],
            markersize=3,
            label=f"{pair.modifier.label} "
            + ", ".join(ordinal(p) for p in marked["percentile"])
            + " percentiles",
        )
        axes.axhline(1, color=NEUTRAL, linewidth=0.6)
        log_axis(axes, "y", ratio_ticks(*limits))
        axes.set_ylim(*limits)
        axes.set_xlim(low, high)
        axes.set_ylabel(f"OR {pair.exposure.scale_words} (log scale)")
        draw_region_strips(strips, regions, low, high, ci_level, palette[4])
        strips.set_xlabel(axis_label(pair.modifier))
        figure.legend(
            handles=axes.get_legend_handles_labels()[0],
            loc="outside lower center",
            ncols=1,
            title=NOT_ESTIMABLE_NOTE if failed else None,
            title_fontsize=style.font_size - 0.5,
        )
    return figure
