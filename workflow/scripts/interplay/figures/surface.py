"""The interaction surface figure: predicted outcome over the exposure × modifier plane, smooth
(natural splines with their tensor product) beside the linear interaction, on one colour scale."""

import dataclasses

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from interplay.figures.cohort import cut_value, largest_lod
from interplay.figures.continuous import not_estimable_text
from interplay.figures.effects import estimable
from interplay.figures.style import (
    NEUTRAL,
    FigureStyle,
    log_axis,
    new_figure,
    require,
    styled,
)
from interplay.figures.words import axis_label
from interplay.interaction.surface import SUPPORT_PATIENTS, SUPPORT_RADIUS
from interplay.pair import Pair
from interplay.report.findings import test_text

PANEL_TITLES = {
    "smooth": "Smooth: natural splines and their tensor product",
    "linear": "Linear interaction (product term)",
}
DRAWN_COLUMNS = ["model", "exposure", "modifier", "probability", "supported", "status"]
COLOUR_MAP = "viridis"
POINT_COLOUR = "#FFFFFF"
CUT_COLOUR = "#D55E00"
UNSUPPORTED_VEIL = (1.0, 1.0, 1.0, 0.6)  # white at 60 %: the colours fade, still legible
LEVEL_STEP = 2.5  # percent between filled contour levels
LOD_HATCH = "////"
LOD_HATCH_COLOUR = "#000000"


def title_text(test: pd.Series) -> str:
    """'Linear against smooth interaction: D3 likelihood-ratio F (21, ∞ df) = 1.04, p = 0.413'."""
    if pd.isna(test["statistic"]):
        return "Linear against smooth interaction: not tested (a fit failed)"
    tested = {"estimate": test["statistic"], "ci_method": test["method"]}
    return f"Linear against smooth interaction: {test_text(test.to_dict() | tested)}"


def percent_levels(values: np.ndarray) -> np.ndarray:
    """Filled-contour levels in percent, LEVEL_STEP apart, covering the values."""
    low = np.floor(np.nanmin(values) / LEVEL_STEP) * LEVEL_STEP
    high = np.ceil(np.nanmax(values) / LEVEL_STEP) * LEVEL_STEP
    return np.arange(low, high + LEVEL_STEP / 2, LEVEL_STEP)


def grid_of(rows: pd.DataFrame, column: str) -> np.ndarray:
    """A column of one model's rows as a modifier × exposure array (the table's row order)."""
    points = rows["exposure"].nunique()
    return rows[column].to_numpy(dtype=float).reshape(-1, points)


def surface_panel(
    axes: Axes,
    rows: pd.DataFrame,
    observed: pd.DataFrame,
    levels: np.ndarray,
    cuts: tuple[float, ...],
    lods: tuple[float, ...],
    style: FigureStyle,
) -> object:
    """One model's filled contours, the support outline, the hatched ranges below each
    variable's LOD (lods: NaN without one), the patients and the cut-points."""
    x, z = grid_of(rows, "exposure"), grid_of(rows, "modifier")
    filled = axes.contourf(x, z, 100 * grid_of(rows, "probability"), levels=levels, cmap=COLOUR_MAP)
    supported = grid_of(rows, "supported")
    # Grey veil and outline over the grid points with too few patients nearby to read.
    axes.contourf(x, z, supported, levels=[-0.5, 0.5], colors=[UNSUPPORTED_VEIL])
    axes.contour(
        x, z, supported, levels=[0.5], colors="black", linewidths=0.8, linestyles="solid"
    )  # fmt: skip
    # Below an LOD the values are the configured substitute, not measurements.
    hatched = {"facecolor": "none", "hatch": LOD_HATCH, "edgecolor": LOD_HATCH_COLOUR}
    if np.isfinite(lods[0]):
        axes.axvspan(x.min(), lods[0], linewidth=0, **hatched)
    if np.isfinite(lods[1]):
        axes.axhspan(z.min(), lods[1], linewidth=0, **hatched)
    axes.scatter(
        observed["exposure"], observed["modifier"], s=1.5, color=POINT_COLOUR, alpha=0.35,
        linewidths=0,
    )  # fmt: skip
    axes.axvline(cuts[0], color=CUT_COLOUR, linestyle="--", linewidth=0.9)
    axes.axhline(cuts[1], color=CUT_COLOUR, linestyle="--", linewidth=0.9)
    axes.set_xlim(x.min(), x.max())
    axes.set_ylim(z.min(), z.max())
    if not estimable(rows).all():
        not_estimable_text(axes, style)
    return filled


def legend_handles(pair: Pair, lods: tuple[float, ...]) -> list[Line2D | Patch]:
    """What the lines, areas and dots mean."""
    below = [
        Patch(
            facecolor="none",
            hatch=LOD_HATCH,
            edgecolor=LOD_HATCH_COLOUR,
            linewidth=0,
            label=f"{variable.label} below its LOD (substituted values)",
        )
        for variable, lod in zip(pair, lods, strict=True)
        if np.isfinite(lod)
    ]
    return [
        Line2D([], [], color=CUT_COLOUR, linestyle="--", label="Two-group cut-points"),
        *below,
        Patch(
            facecolor=UNSUPPORTED_VEIL,
            edgecolor="black",
            linewidth=0.8,
            label=f"Fewer than {SUPPORT_PATIENTS} patients within {SUPPORT_RADIUS:g} SD",
        ),
        Line2D([], [], color=NEUTRAL, marker="o", markersize=2, linestyle="none", label="Patients"),
    ]


def surface_figure(
    surface: pd.DataFrame,
    test: pd.DataFrame,
    dataset: pd.DataFrame,
    cutpoints: pd.DataFrame,
    pair: Pair,
    outcome_label: str,
    style: FigureStyle,
) -> Figure:
    """Two contour panels (smooth | linear) of the standardised predicted probability in percent,
    on one colour scale; a grey veil covers grid points with few patients nearby, hatching the
    range below a variable's LOD, dots are patients, dashed lines the two-group cut-points, the
    LR test in the title."""
    require(surface, DRAWN_COLUMNS, "surface")
    log = pair.exposure.transform == "log2"
    observed = dataset[["exposure", "modifier"]].apply(pd.to_numeric, errors="coerce").dropna()
    levels = percent_levels(100 * surface["probability"].to_numpy(dtype=float))
    cuts = tuple(cut_value(cutpoints, variable, variable.split) for variable in pair)
    lods = tuple(largest_lod(cutpoints, variable) for variable in pair)
    wide = dataclasses.replace(style, width_mm=2 * style.width_mm)
    with styled(style):
        figure, panels = new_figure(wide, height_mm=92, ncols=2, sharey=True)
        for axes, model in zip(panels, PANEL_TITLES, strict=True):
            rows = surface[surface["model"] == model]
            filled = surface_panel(axes, rows, observed, levels, cuts, lods, style)
            axes.set_title(PANEL_TITLES[model])
            axes.set_xlabel(axis_label(pair.exposure, log))
            if log:
                log_axis(axes, "x")
        panels[0].set_ylabel(axis_label(pair.modifier))
        handles = legend_handles(pair, lods)
        figure.legend(handles=handles, loc="outside lower center", ncols=len(handles))
        bar = figure.colorbar(filled, ax=list(panels), shrink=0.9)
        bar.set_label(f"Predicted {outcome_label.lower()} (%)")
        figure.suptitle(title_text(test.iloc[0]), fontsize=style.font_size)
    return figure
