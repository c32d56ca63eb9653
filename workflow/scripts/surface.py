"""The interaction surface of one analysis: the smooth and linear surfaces and the LR test."""

from interplay.analysis.surface import surface_analysis
from interplay.covariates import adjustment_covariates, with_covariates
from interplay.jobs.imputations import analysis_imputations
from interplay.jobs.intermediates import read_dataset
from interplay.jobs.runner import run
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Fit both models to the analysis's data sets and write surface.tsv and surface_test.tsv."""
    dataset = read_dataset(smk.input.dataset)
    table1 = read_table(smk.input.table1) if hasattr(smk.input, "table1") else None
    covariates = adjustment_covariates(smk.params.settings["covariates"], table1, dataset)
    imputed = analysis_imputations(smk.input, dataset, smk.params.settings, covariates)
    tables = surface_analysis(
        dataset,
        with_covariates(smk.params.settings, covariates),
        imputed,
        smk.params.surface,
    )
    for name, table in tables.items():
        write_table(table, smk.output[name])


run(snakemake, main)
