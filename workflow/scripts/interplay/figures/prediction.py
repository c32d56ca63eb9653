"""The decision curve of the prediction models (Vickers & Elkin, Med Decis Making 2006)."""

import pandas as pd
from matplotlib.figure import Figure

from interplay.figures.style import NEUTRAL, FigureStyle, new_figure, require, styled
from interplay.pair import Pair
from interplay.prediction.models import PREDICTION_MODELS
from interplay.prediction.table import table_value
from interplay.prediction.words import model_words

DECISION_COLUMNS = ["model", "metric", "threshold", "corrected", "apparent"]


def decision_curve_figure(
    table: pd.DataFrame, pair: Pair, outcome_label: str, style: FigureStyle
) -> Figure:
    """Optimism-corrected net benefit against the threshold probability for the three models,
    with treat all and treat none; the legend gives each model's corrected c-statistic and
    calibration slope."""
    require(table, DECISION_COLUMNS, "prediction")
    words = model_words(pair)
    curves = table.loc[table["metric"] == "net_benefit"]
    with styled(style):
        figure, axes = new_figure(style, height_mm=75)
        for model, colour in zip(PREDICTION_MODELS, style.palette, strict=False):
            curve = curves.loc[curves["model"] == model].sort_values("threshold")
            c = table_value(table, model, "c_statistic")
            slope = table_value(table, model, "calibration_slope")
            axes.plot(
                100 * curve["threshold"],
                curve["corrected"],
                color=colour,
                label=f"{words[model]} (c = {c:.3f}, slope {slope:.2f})",
            )
        treat_all = curves.loc[curves["model"] == "treat_all"].sort_values("threshold")
        axes.plot(
            100 * treat_all["threshold"], treat_all["apparent"], color=NEUTRAL,
            linestyle="--", label=words["treat_all"],
        )  # fmt: skip
        axes.axhline(0, color="black", linewidth=0.8, label=words["treat_none"])
        modelled = curves.loc[curves["model"].isin(PREDICTION_MODELS), "corrected"]
        top = max(float(modelled.max()), float(treat_all["apparent"].max()))
        axes.set_ylim(-0.05 * max(top, 0.1), 1.1 * max(top, 0.01))
        axes.set_xlim(100 * curves["threshold"].min(), 100 * curves["threshold"].max())
        axes.set_title(outcome_label)
        axes.set_xlabel("Threshold probability (%)")
        axes.set_ylabel("Net benefit (optimism-corrected)")
        axes.legend(loc="upper right")
    return figure
