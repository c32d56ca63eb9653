"""Multiply impute the analysis dataset's missing covariates (chained equations), once for every
analysis sharing these imputation settings."""

from interplay.covariates import adjustment_covariates
from interplay.imputation.chained import impute_analysis_sets
from interplay.jobs.imputed_file import LONG_CSV_GZIP_LEVEL, write_imputed_file
from interplay.jobs.intermediates import read_dataset
from interplay.jobs.runner import run
from interplay.seeds import stream_key
from interplay.tables import read_table, write_table_parts


def main(smk) -> None:
    """Write the imputed data sets for the jobs (.npz) and in long format for R (csv.gz)."""
    dataset = read_dataset(smk.input.dataset)
    table1 = read_table(smk.input.table1) if hasattr(smk.input, "table1") else None
    imputation = smk.params.imputation
    covariates = adjustment_covariates(imputation["covariates"], table1, dataset)
    # One stream for every analysis: analyses with the same data and covariates get the same
    # imputations, so their differences reflect the analysis choice, not Monte-Carlo noise.
    imputed = impute_analysis_sets(
        dataset,
        covariates,
        m=imputation["missing_data"]["m"],
        iterations=imputation["missing_data"]["iterations"],
        seed=stream_key(smk.params.seed, "impute"),
    )
    write_imputed_file(imputed, smk.output.imputed)
    # One data set at a time: the m + 1 copies of the long format would not fit at n = 10^6.
    write_table_parts(imputed.blocks(), smk.output.long, LONG_CSV_GZIP_LEVEL)


run(snakemake, main)
