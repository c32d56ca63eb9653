"""Fit, pool and tabulate the models of one analysis."""

from interplay.analysis.stratified import run_stratified_analysis
from interplay.covariates import adjustment_covariates, with_covariates
from interplay.jobs.intermediates import read_dataset, read_imputations
from interplay.jobs.runner import run
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write the models, joint, interaction, slopes, Johnson–Neyman and prediction tables."""
    dataset = read_dataset(smk.input.dataset)
    m = smk.params.settings["missing_data"]["m"]
    imputed = (
        read_imputations(smk.input.imputed, dataset, m) if hasattr(smk.input, "imputed") else None
    )
    table1 = read_table(smk.input.table1) if hasattr(smk.input, "table1") else None
    covariates = adjustment_covariates(smk.params.settings["covariates"], table1, dataset)
    tables = run_stratified_analysis(
        dataset,
        with_covariates(smk.params.settings, covariates),
        imputed,
        analysis=smk.wildcards.analysis,
    )
    for name, path in smk.output.items():
        write_table(tables[name], path)


run(snakemake, main)
