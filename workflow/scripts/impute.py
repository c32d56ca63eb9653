"""Multiply impute the analysis dataset's missing covariates (chained equations)."""

from interplay.covariates import adjustment_covariates
from interplay.imputation.chained import impute_analysis_dataset, missingness_summary
from interplay.jobs.intermediates import read_dataset
from interplay.jobs.runner import run
from interplay.privacy import missingness_table, protect
from interplay.seeds import stream_key
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write the imputed data sets in long format and the missingness per variable (small
    counts suppressed, config privacy.min_cell_count)."""
    dataset = read_dataset(smk.input.dataset)
    table1 = read_table(smk.input.table1) if hasattr(smk.input, "table1") else None
    covariates = adjustment_covariates(smk.params.covariates, table1, dataset)
    # One stream for every analysis: analyses with the same data and covariates get the same
    # imputations, so their differences reflect the analysis choice, not Monte-Carlo noise.
    imputed = impute_analysis_dataset(
        dataset,
        covariates,
        m=smk.params.missing_data["m"],
        iterations=smk.params.missing_data["iterations"],
        seed=stream_key(smk.params.seed, "impute"),
    )
    write_table(imputed, smk.output.imputed)
    missingness, suppressed = protect(
        missingness_summary(dataset, covariates),
        missingness_table(len(dataset)),
        smk.params.min_cell_count,
        smk.output.missingness,
    )
    write_table(missingness, smk.output.missingness)
    write_table(suppressed, smk.output.suppressed)


run(snakemake, main)
