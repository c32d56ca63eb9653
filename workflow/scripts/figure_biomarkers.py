"""Distributions of the pair's two variables with their cut-points (histograms only)."""

from interplay.figures.cohort import biomarker_figure, biomarker_histograms, protected_histograms
from interplay.figures.style import save_figure, style_from_config
from interplay.jobs.intermediates import read_dataset
from interplay.jobs.runner import run
from interplay.pair import pair_from_settings
from interplay.tables import read_table


def main(smk) -> None:
    """Reduce the analysis dataset to histogram counts (small bars suppressed; privacy.tsv
    lists them), then draw them."""
    style = style_from_config(smk.params.style)
    cutpoints = read_table(smk.input.cutpoints)
    pair = pair_from_settings(smk.params.pair)
    counts, _ = protected_histograms(
        biomarker_histograms(read_dataset(smk.input.dataset), cutpoints, pair, smk.params.bins),
        smk.params.min_cell_count,
        smk.rule,  # names only the suppression list, which privacy_table writes
    )
    save_figure(biomarker_figure(counts, cutpoints, pair, style), list(smk.output), style)


run(snakemake, main)
