"""Forest plot of the adjusted odds ratios, one mark per confidence-interval method."""

from interplay.figures.effects import forest_figure, forest_rows
from interplay.figures.style import save_figure, style_from_config
from interplay.jobs.runner import run
from interplay.pair import pair_from_settings
from interplay.tables import read_table


def main(smk) -> None:
    """Collect the overall, stratum, joint and interaction odds ratios and draw them."""
    style = style_from_config(smk.params.style)
    rows = forest_rows(
        read_table(smk.input.models),
        read_table(smk.input.joint),
        read_table(smk.input.interaction),
        pair_from_settings(smk.params.pair),
    )
    figure = forest_figure(rows, smk.params.outcome_label, smk.params.ci_level, style)
    save_figure(figure, list(smk.output), style)


run(snakemake, main)
