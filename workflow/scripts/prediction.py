"""Prediction performance of one analysis: apparent, Harrell's optimism, corrected (TRIPOD)."""

from interplay.covariates import adjustment_covariates, with_covariates
from interplay.jobs.imputations import analysis_imputations
from interplay.jobs.intermediates import read_dataset
from interplay.jobs.runner import run
from interplay.prediction.metrics import thresholds_from
from interplay.prediction.table import prediction_table
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write the analysis's prediction table."""
    dataset = read_dataset(smk.input.dataset)
    table1 = read_table(smk.input.table1) if hasattr(smk.input, "table1") else None
    covariates = adjustment_covariates(smk.params.settings["covariates"], table1, dataset)
    imputed = analysis_imputations(smk.input, dataset, smk.params.settings, covariates)
    options = {
        "analysis": smk.wildcards.analysis,
        "seed": smk.params.seed,
        "replicates": smk.params.replicates,
        "thresholds": thresholds_from(smk.params.thresholds),
    }
    table = prediction_table(
        dataset, imputed, with_covariates(smk.params.settings, covariates), options
    )
    write_table(table, smk.output[0])


run(snakemake, main)
