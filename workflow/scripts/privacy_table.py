"""The list of suppressed counts (results/tables/privacy.tsv): every job's log, and the figures'
count labels (recomputed from the dataset as the figures do)."""

from interplay.figures.cohort import (
    biomarker_histograms,
    missing_patterns,
    protected_histograms,
    protected_missing_patterns,
)
from interplay.figures.effects import joint_group_counts, protected_group_counts
from interplay.jobs.runner import run
from interplay.pair import pair_from_settings
from interplay.privacy import suppression_log
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Concatenate the suppression logs, then those of the figures."""
    min_count, figures = smk.params.min_cell_count, smk.params.figures
    logs = [read_table(path) for path in smk.input.logs]
    dataset = read_table(smk.input.dataset)
    histograms = biomarker_histograms(
        dataset,
        read_table(smk.input.cutpoints),
        pair_from_settings(smk.params.pair),
        smk.params.histogram_bins,
    )
    logs.append(protected_histograms(histograms, min_count, figures["biomarkers"])[1])
    patterns = missing_patterns(dataset, smk.params.missing_pattern_variables)
    logs.append(protected_missing_patterns(patterns, min_count, figures["missing_pattern"])[2])
    for coding in smk.params.remission_rate_codings:
        name = f"{figures['remission_rates']} ({coding})"
        counts = joint_group_counts(dataset, coding)
        logs.append(protected_group_counts(counts, min_count, name)[1])
    write_table(suppression_log(logs), smk.output[0])


run(snakemake, main)
