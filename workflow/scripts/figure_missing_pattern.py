"""Missing-data patterns of the model variables (pattern counts, never rows)."""

from interplay.figures.cohort import (
    missing_pattern_figure,
    missing_patterns,
    protected_missing_patterns,
)
from interplay.figures.style import save_figure, style_from_config
from interplay.jobs.intermediates import read_dataset
from interplay.jobs.runner import run


def main(smk) -> None:
    """Count the missingness patterns of the analysis dataset (small cells suppressed;
    privacy.tsv lists them), then draw them."""
    style = style_from_config(smk.params.style)
    patterns, totals, _ = protected_missing_patterns(
        missing_patterns(read_dataset(smk.input.dataset), smk.params.variables),
        smk.params.min_cell_count,
        smk.rule,  # names only the suppression list, which privacy_table writes
    )
    save_figure(missing_pattern_figure(patterns, totals, style), list(smk.output), style)


run(snakemake, main)
