"""Outcome percentage in each IL-1β × BDNF group (2 × 2, and 3 × 3 when tertiles are analysed)."""

from interplay.figures_effects import remission_rate_figure, remission_rates
from interplay.figures_style import save_figure, style_from_config
from interplay.runner import run
from interplay.tables import read_table


def main(smk) -> None:
    """Wilson intervals per joint cell, a panel per biomarker coding."""
    style = style_from_config(smk.params.style)
    panels = [
        (title, remission_rates(read_table(smk.input[name]), smk.params.ci_level))
        for name, title in smk.params.panels.items()
    ]
    figure = remission_rate_figure(panels, smk.params.outcome_label, smk.params.ci_level, style)
    save_figure(figure, list(smk.output), style)


run(snakemake, main)
