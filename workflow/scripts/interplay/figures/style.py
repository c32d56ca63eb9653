"""Shared figure machinery: journal-width sizing, colour-blind-safe palette, deterministic saving,
display names and input checks."""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

from interplay.errors import InputError, require_columns
from interplay.models.logistic import DELTA_METHODS, MODEL_BASED_METHODS
from interplay.tables import WHOLE_SAMPLE

MM_PER_INCH = 25.4
# Okabe & Ito (2008) colour-universal design, ordered so the first colours differ most.
OKABE_ITO = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
NEUTRAL = "#7F7F7F"
# Metadata that would otherwise stamp the creation time into vector files.
UNDATED = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}
SUPPORTED_FORMATS = tuple(UNDATED)


def is_model_based(method: str) -> bool:
    """Whether an interval method comes from the fitted model (Wald, Rubin's rules, delta)."""
    return method in (*MODEL_BASED_METHODS, *DELTA_METHODS)


def require(table: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    """Raise an InputError when a table lacks columns a figure needs."""
    require_columns(
        table.columns,
        columns,
        table=name,
        fix=f"re-create the {name} table with the current workflow",
    )


def whole_sample(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of the unstratified analysis (stratum `all`), or every row without strata."""
    if "stratum" not in table.columns:
        return table
    return table.loc[table["stratum"] == WHOLE_SAMPLE].reset_index(drop=True)


@dataclass(frozen=True)
class FigureStyle:
    """How every figure is sized, coloured and saved (config section `figures`)."""

    dpi: int = 300
    formats: tuple[str, ...] = ("png", "svg")
    width_mm: float = 89.0
    palette: tuple[str, ...] = OKABE_ITO
    svg_hashsalt: str = "interplay"
    font_size: float = 7.0

    @property
    def width_in(self) -> float:
        """The figure width in inches."""
        return self.width_mm / MM_PER_INCH


def style_from_config(settings: Mapping[str, Any]) -> FigureStyle:
    """A FigureStyle from the `figures` config section; absent keys keep their defaults."""
    known = {field.name for field in fields(FigureStyle)}
    values = {key: value for key, value in settings.items() if key in known}
    for key in ("formats", "palette"):
        if key in values:
            values[key] = tuple(values[key])
    unsupported = [fmt for fmt in values.get("formats", ()) if fmt not in SUPPORTED_FORMATS]
    if unsupported:
        raise InputError(
            f"unsupported figure format(s) {', '.join(unsupported)}",
            file="config.yaml",
            column="figures.formats",
            fix=f"use formats among {', '.join(SUPPORTED_FORMATS)}",
        )
    return FigureStyle(**values)


def rc_params(style: FigureStyle) -> dict[str, Any]:
    """matplotlib settings for small, legible text and reproducible vector output."""
    size = style.font_size
    return {
        "font.family": "DejaVu Sans",
        "font.size": size,
        "axes.titlesize": size,
        "axes.labelsize": size,
        "xtick.labelsize": size - 0.5,
        "ytick.labelsize": size - 0.5,
        "legend.fontsize": size - 0.5,
        "legend.frameon": False,
        "axes.linewidth": 0.6,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.minor.width": 0.4,
        "ytick.minor.width": 0.4,
        "lines.linewidth": 1.0,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": mpl.cycler(color=list(style.palette)),
        "figure.dpi": style.dpi,
        "savefig.dpi": style.dpi,
        "svg.hashsalt": style.svg_hashsalt,
        "svg.fonttype": "none",
        "pdf.fonttype": 42,
        "path.simplify": False,
    }


@contextmanager
def styled(style: FigureStyle) -> Iterator[None]:
    """Apply the style's matplotlib settings for the duration of the block."""
    with mpl.rc_context(rc_params(style)):
        yield


def new_figure(style: FigureStyle, height_mm: float, **subplot_options: Any) -> tuple[Figure, Any]:
    """A constrained-layout figure of the style's width and the given height, with its axes."""
    figure = Figure(
        figsize=(style.width_in, height_mm / MM_PER_INCH),
        layout="constrained",
        dpi=style.dpi,
    )
    figure.get_layout_engine().set(w_pad=1 / MM_PER_INCH, h_pad=1 / MM_PER_INCH)
    axes = figure.subplots(**subplot_options)
    return figure, axes


def save_figure(figure: Figure, paths: Sequence[str | Path], style: FigureStyle) -> None:
    """Write the figure to each path, in the format its suffix names, without timestamps.

    The layout is computed once and then fixed, its axes positions rounded to 1e-6 of the
    figure: constrained layout of panels shared by column differs from run to run in the last
    bits, which changes the SVG clip-path ids.
    """
    with styled(style):
        figure.draw_without_rendering()
        figure.set_layout_engine("none")
        for axes in figure.axes:
            axes.set_position(np.round(axes.get_position().bounds, 6))
        for path in paths:
            fmt = Path(path).suffix.lstrip(".").lower()
            if fmt not in UNDATED:
                raise InputError(
                    f"cannot write a figure as .{fmt}",
                    file=str(path),
                    fix=f"name figure outputs with one of .{', .'.join(SUPPORTED_FORMATS)}",
                )
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            figure.savefig(path, format=fmt, dpi=style.dpi, metadata=UNDATED[fmt])


def plain_number(value: float, _position: int | None = None) -> str:
    """A tick label without scientific notation or trailing zeros (0.5, 1, 2, 0.25)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text if text else "0"


def log_axis(axes: Axes, axis: str, ticks: Sequence[float] | None = None) -> None:
    """A log-scaled axis with plain-number ticks, at `ticks` when given (odds ratios)."""
    scale = axes.set_xscale if axis == "x" else axes.set_yscale
    scale("log")
    target = axes.xaxis if axis == "x" else axes.yaxis
    if ticks is not None:
        target.set_major_locator(FixedLocator(list(ticks)))
    else:
        target.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    target.set_major_formatter(FuncFormatter(plain_number))
    target.set_minor_formatter(NullFormatter())


def ratio_ticks(low: float, high: float) -> list[float]:
    """Odds-ratio ticks covering [low, high]: doublings (0.25, 0.5, 1, 2, 4) when at least
    three fit, else a finer set (0.75, 1, 1.5), else tenths (0.9, 1, 1.1), so that a narrow
    axis (a per-doubling slope) stays legible."""
    doublings = [0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0]
    finer = [0.1, 0.2, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 10.0]
    tenths = [0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4]
    for candidates in (doublings, finer, tenths):
        inside = [tick for tick in candidates if low <= tick <= high]
        if len(inside) >= 3:
            return inside
    return inside or [1.0]


def padded_log_limits(values: np.ndarray, pad: float = 0.08) -> tuple[float, float]:
    """Limits around positive values, padded by a fraction of their log range."""
    finite = values[np.isfinite(values) & (values > 0)]
    low, high = np.log(finite.min()), np.log(finite.max())
    margin = max(high - low, np.log(2)) * pad
    return float(np.exp(low - margin)), float(np.exp(high + margin))


def panel_label(axes: Axes, letter: str) -> None:
    """A bold panel letter in the top-left corner outside the axes."""
    axes.set_title(letter, loc="left", fontweight="bold")


def right_margin_text(axes: Axes, text: str, y: float, style: FigureStyle, **options: Any) -> None:
    """A small text just right of the axes at data height y (a forest plot's numbers column)."""
    axes.annotate(
        text,
        (1, y),
        xycoords=("axes fraction", "data"),
        xytext=(3, 0),
        textcoords="offset points",
        va="center",
        fontsize=style.font_size - 1.5,
        **options,
    )
