"""Johnson–Neyman plot: the exposure's odds ratio across the modifier and where it is not 1."""

from interplay.figures.continuous import johnson_neyman_figure
from interplay.figures.style import save_figure, style_from_config
from interplay.jobs.runner import run
from interplay.pair import pair_from_settings
from interplay.tables import read_table


def main(smk) -> None:
    """Draw the simple-slope curve and the Johnson–Neyman regions."""
    style = style_from_config(smk.params.style)
    figure = johnson_neyman_figure(
        read_table(smk.input.slopes),
        read_table(smk.input.johnson_neyman),
        pair_from_settings(smk.params.pair),
        smk.params.ci_level,
        style,
    )
    save_figure(figure, list(smk.output), style)


run(snakemake, main)
