"""Count an analysis's missing covariate values (STROBE 14b)."""

from interplay.covariates import adjustment_covariates
from interplay.imputation.chained import missingness_summary
from interplay.jobs.intermediates import read_dataset
from interplay.jobs.runner import run
from interplay.privacy import missingness_table, protect
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write the missingness per variable (small counts suppressed, config
    privacy.min_cell_count)."""
    dataset = read_dataset(smk.input.dataset)
    table1 = read_table(smk.input.table1) if hasattr(smk.input, "table1") else None
    covariates = adjustment_covariates(smk.params.covariates, table1, dataset)
    missingness, suppressed = protect(
        missingness_summary(dataset, covariates),
        missingness_table(len(dataset)),
        smk.params.min_cell_count,
        smk.output.missingness,
    )
    write_table(missingness, smk.output.missingness)
    write_table(suppressed, smk.output.suppressed)


run(snakemake, main)
