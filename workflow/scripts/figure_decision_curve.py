"""Decision curve of the prediction models of one analysis (optimism-corrected net benefit)."""

from interplay.figures.prediction import decision_curve_figure
from interplay.figures.style import save_figure, style_from_config
from interplay.jobs.runner import run
from interplay.pair import pair_from_settings
from interplay.tables import read_table


def main(smk) -> None:
    """Draw the decision curve."""
    style = style_from_config(smk.params.style)
    figure = decision_curve_figure(
        read_table(smk.input.prediction),
        pair_from_settings(smk.params.pair),
        smk.params.outcome_label,
        style,
    )
    save_figure(figure, list(smk.output), style)


run(snakemake, main)
