"""Forest of the ratio of odds ratios of every pair studied, with the adjusted interaction tests."""

from interplay.figures.pairs import pairs_figure
from interplay.figures.style import save_figure, style_from_config
from interplay.jobs.runner import run
from interplay.tables import read_table


def main(smk) -> None:
    """Draw pairs.tsv as a forest of ratios of odds ratios."""
    style = style_from_config(smk.params.style)
    figure = pairs_figure(read_table(smk.input.pairs), style)
    save_figure(figure, list(smk.output), style)


run(snakemake, main)
