"""Outcome percentage in each IL-1β × BDNF group: median split (2 × 2) and tertiles (3 × 3)."""

from interplay.figures_effects import (
    group_counts,
    protected_group_counts,
    remission_rate_figure,
    remission_rates,
)
from interplay.figures_style import save_figure, style_from_config
from interplay.privacy import suppression_log
from interplay.runner import run
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Count patients and events per group (small cells suppressed), then draw the Wilson
    intervals, a panel per coding."""
    style = style_from_config(smk.params.style)
    dataset = read_table(smk.input.dataset)
    panels, logs = [], []
    for coding, title in smk.params.panels.items():
        counts, suppressed = protected_group_counts(
            group_counts(dataset, coding), smk.params.min_cell_count, f"{smk.output.png} ({coding})"
        )
        panels.append((title, remission_rates(counts, smk.params.ci_level)))
        logs.append(suppressed)
    figure = remission_rate_figure(panels, smk.params.outcome_label, smk.params.ci_level, style)
    figures = [path for name, path in smk.output.items() if name != "suppressed"]
    save_figure(figure, figures, style)
    write_table(suppression_log(logs), smk.output.suppressed)


run(snakemake, main)
