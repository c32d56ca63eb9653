"""Specification curve: the key estimates of every analysis, with each one's choices beneath."""

from interplay.figures.sensitivity import specification_curve_figure
from interplay.figures.style import save_figure, style_from_config
from interplay.jobs.runner import run
from interplay.pair import pair_from_settings
from interplay.tables import read_table


def main(smk) -> None:
    """Draw the sensitivity table as a specification curve."""
    style = style_from_config(smk.params.style)
    figure = specification_curve_figure(
        read_table(smk.input.sensitivity), pair_from_settings(smk.params.pair), style
    )
    save_figure(figure, list(smk.output), style)


run(snakemake, main)
