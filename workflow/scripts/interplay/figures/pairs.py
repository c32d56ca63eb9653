"""Forest of the ratio of odds ratios of every pair studied, with the adjusted interaction tests."""

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from interplay.describe.table1 import format_p
from interplay.figures.effects import NOT_ESTIMABLE
from interplay.figures.style import (
    FigureStyle,
    log_axis,
    new_figure,
    padded_log_limits,
    ratio_ticks,
    require,
    right_margin_text,
    styled,
)
from interplay.models.logistic import OK

PAIRS_FIGURE_COLUMNS = [
    "exposure", "modifier", "exposure_coding", "modifier_coding", "coding", "ratio_of_odds_ratios",
    "ratio_of_odds_ratios_ci_low", "ratio_of_odds_ratios_ci_high", "p_interaction", "p_holm",
    "p_bh", "status",
]  # fmt: skip
# Row labels wrap at this many characters, so that the data, not the text, fill the figure.
PAIR_LABEL_WIDTH = 34


def compared_words(row: pd.Series, role: str) -> str:
    """How the pair compares one variable, named: 'Age ≥ 60 vs < 60 years', 'per SD of Age'."""
    words = row[f"{role}_coding"]
    return words if row["coding"] == "continuous" else f"{row[role]} {words}"


def pair_label(row: pd.Series) -> str:
    """'IL-6 × HADS anxiety' over how each of the two is compared, wrapped."""
    lines = [f"{row['exposure']} × {row['modifier']}"]
    for role in ("exposure", "modifier"):
        lines += textwrap.wrap(compared_words(row, role), PAIR_LABEL_WIDTH)
    return "\n".join(lines)


def tests_text(row: pd.Series) -> str:
    """The pair's interaction test, unadjusted and adjusted, or why there is none."""
    if row["status"] != OK or not np.isfinite(row["ratio_of_odds_ratios"]):
        return NOT_ESTIMABLE
    return (
        f"p {format_p(row['p_interaction'])}\n"
        f"Holm {format_p(row['p_holm'])}, BH {format_p(row['p_bh'])}"
    )


def pairs_figure(pairs: pd.DataFrame, style: FigureStyle) -> Figure:
    """The ratio of odds ratios of each pair (top to bottom in the table's order) with its
    interval, and beside it the interaction p-value unadjusted, by Holm and by
    Benjamini–Hochberg; a pair whose fit failed keeps its line, marked not estimable."""
    require(pairs, PAIRS_FIGURE_COLUMNS, "pairs")
    drawn = (pairs["status"] == OK) & np.isfinite(pairs["ratio_of_odds_ratios"])
    estimates = pairs.loc[drawn]
    y = np.arange(len(pairs), dtype=float)
    interval = estimates[["ratio_of_odds_ratios_ci_low", "ratio_of_odds_ratios_ci_high"]]
    shown = interval.to_numpy(float).ravel()
    # The axis always reaches the line of no interaction.
    limits = padded_log_limits(np.append(shown, 1.0))
    label_lines = max(pair_label(row).count("\n") + 1 for _, row in pairs.iterrows())
    with styled(style):
        figure, axes = new_figure(style, height_mm=18 + len(pairs) * (2.8 * label_lines + 2))
        axes.errorbar(
            estimates["ratio_of_odds_ratios"],
            y[drawn.to_numpy()],
            xerr=[
                estimates["ratio_of_odds_ratios"] - interval.iloc[:, 0],
                interval.iloc[:, 1] - estimates["ratio_of_odds_ratios"],
            ],
            fmt="o",
            color=style.palette[0],
            markersize=3,
            elinewidth=0.9,
            capsize=0,
        )
        for y_text, (_, row) in zip(y, pairs.iterrows(), strict=True):
            right_margin_text(axes, tests_text(row), y_text, style)
        axes.axvline(1, color="black", linewidth=0.6)
        log_axis(axes, "x", ratio_ticks(*limits))
        axes.set_xlim(*limits)
        axes.set_yticks(y, [pair_label(row) for _, row in pairs.iterrows()])
        axes.tick_params(axis="y", length=0, labelsize=style.font_size - 1)
        axes.spines["left"].set_visible(False)
        axes.set_ylim(len(pairs) - 0.5, -0.5)
        axes.set_xlabel("Ratio of odds ratios (log scale)")
    return figure
