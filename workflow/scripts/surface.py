"""The interaction surface of one analysis: the smooth and linear surfaces and the LR test."""

from interplay.analysis.fit import analysed_data_sets, read_plan, uses_imputations
from interplay.covariates import adjustment_covariates, with_covariates
from interplay.interaction.surface import surface_tables
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
    plan = read_plan(with_covariates(smk.params.settings, covariates))
    data_sets = analysed_data_sets(
        dataset, imputed if uses_imputations(imputed, plan) else None, plan
    )
    tables = surface_tables(
        data_sets,
        dataset,
        plan.pair,
        plan.covariates,
        smk.params.surface["df"],
        smk.params.surface["grid_points"],
        plan.ci_level,
    )
    for name, table in tables.items():
        write_table(table, smk.output[name])


run(snakemake, main)
