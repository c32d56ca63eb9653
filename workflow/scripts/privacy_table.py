"""The list of suppressed counts (results/tables/privacy.tsv): every job's log, and the
remission-rate figure's labels (recomputed from the dataset as the figure does)."""

from interplay.figures_effects import group_counts, protected_group_counts
from interplay.privacy import suppression_log
from interplay.runner import run
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Concatenate the suppression logs, then those of the figure's panels."""
    logs = [read_table(path) for path in smk.input.logs]
    dataset = read_table(smk.input.dataset)
    for coding in smk.params.remission_rate_codings:
        name = f"{smk.params.remission_rate_figure} ({coding})"
        counts = group_counts(dataset, coding)
        logs.append(protected_group_counts(counts, smk.params.min_cell_count, name)[1])
    write_table(suppression_log(logs), smk.output[0])


run(snakemake, main)
