"""Bootstrap distributions of the key estimates, with the bootstrap intervals."""

import pandas as pd
from interplay.figures.sensitivity import (
    bootstrap_figure,
    reported_estimates,
    resample_estimates,
)
from interplay.figures.style import save_figure, style_from_config
from interplay.jobs.runner import run
from interplay.pair import pair_from_settings
from interplay.tables import read_table


def main(smk) -> None:
    """Average each resample's imputations, then draw the histograms with the reported
    (model-based) estimates."""
    style = style_from_config(smk.params.style)
    replicates = pd.concat([read_table(path) for path in smk.input.shards], ignore_index=True)
    figure = bootstrap_figure(
        resample_estimates(replicates),
        read_table(smk.input.summary),
        reported_estimates(read_table(smk.input.models), read_table(smk.input.interaction)),
        pair_from_settings(smk.params.pair),
        smk.params.bins,
        style,
    )
    save_figure(figure, list(smk.output), style)


run(snakemake, main)
