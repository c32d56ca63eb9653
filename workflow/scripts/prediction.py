"""Prediction performance of one analysis: apparent, Harrell's optimism, corrected (TRIPOD)."""

from interplay.covariates import with_covariates
from interplay.jobs.analysis_inputs import read_analysis_inputs
from interplay.jobs.runner import run
from interplay.prediction.metrics import thresholds_from
from interplay.prediction.table import prediction_table
from interplay.tables import write_table


def main(smk) -> None:
    """Write the analysis's prediction table."""
    inputs = read_analysis_inputs(smk.input, smk.params.settings)
    options = {
        "analysis": smk.wildcards.analysis,
        "seed": smk.params.seed,
        "replicates": smk.params.replicates,
        "thresholds": thresholds_from(smk.params.thresholds),
    }
    table = prediction_table(
        inputs.dataset,
        inputs.imputed,
        with_covariates(smk.params.settings, inputs.covariates),
        options,
    )
    write_table(table, smk.output[0])


run(snakemake, main)
