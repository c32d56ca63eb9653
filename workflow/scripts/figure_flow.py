"""Participant-flow diagram (STROBE item 13)."""

from interplay.figures.cohort import flow_figure
from interplay.figures.style import save_figure, style_from_config
from interplay.jobs.runner import run
from interplay.tables import read_table


def main(smk) -> None:
    """Draw the flow table as boxes and arrows."""
    style = style_from_config(smk.params.style)
    save_figure(flow_figure(read_table(smk.input.flow), style), list(smk.output), style)


run(snakemake, main)
