"""Interaction surface: predicted outcome over the pair's plane, smooth beside linear."""

from interplay.figures.style import save_figure, style_from_config
from interplay.figures.surface import surface_figure
from interplay.jobs.intermediates import read_dataset
from interplay.jobs.runner import run
from interplay.pair import pair_from_settings
from interplay.tables import read_table


def main(smk) -> None:
    """Draw both surfaces with the observed data, the cut-points and the LR test."""
    style = style_from_config(smk.params.style)
    figure = surface_figure(
        read_table(smk.input.surface),
        read_table(smk.input.surface_test),
        read_dataset(smk.input.dataset),
        read_table(smk.input.cutpoints),
        pair_from_settings(smk.params.pair),
        smk.params.outcome_label,
        style,
    )
    save_figure(figure, list(smk.output), style)


run(snakemake, main)
