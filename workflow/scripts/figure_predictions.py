"""Predicted outcome probability across the exposure at modifier percentiles (continuous model)."""

from interplay.figures.continuous import prediction_figure
from interplay.figures.style import save_figure, style_from_config
from interplay.jobs.runner import run
from interplay.pair import pair_from_settings
from interplay.tables import read_table


def main(smk) -> None:
    """Draw the standardised predictions with their confidence bands."""
    style = style_from_config(smk.params.style)
    figure = prediction_figure(
        read_table(smk.input.predictions),
        pair_from_settings(smk.params.pair),
        smk.params.outcome_label,
        smk.params.ci_level,
        style,
    )
    save_figure(figure, list(smk.output), style)


run(snakemake, main)
