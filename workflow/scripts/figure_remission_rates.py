"""Outcome percentage in each joint group of the pair: its split (2 × 2) and tertiles (3 × 3)."""

from interplay.figures.effects import (
    joint_group_counts,
    protected_group_counts,
    remission_rate_figure,
    remission_rates,
)
from interplay.figures.style import save_figure, style_from_config
from interplay.jobs.intermediates import read_dataset
from interplay.jobs.runner import run
from interplay.pair import pair_from_settings


def main(smk) -> None:
    """Count patients and events per group (small cells suppressed; privacy.tsv lists them),
    then draw the Wilson intervals, a panel per coding."""
    style = style_from_config(smk.params.style)
    dataset = read_dataset(smk.input.dataset)
    panels = []
    for coding, title in smk.params.panels.items():
        counts, _ = protected_group_counts(
            joint_group_counts(dataset, coding), smk.params.min_cell_count, coding
        )
        panels.append((title, remission_rates(counts, smk.params.ci_level)))
    figure = remission_rate_figure(
        panels,
        pair_from_settings(smk.params.pair),
        smk.params.outcome_label,
        smk.params.ci_level,
        style,
    )
    save_figure(figure, list(smk.output), style)


run(snakemake, main)
