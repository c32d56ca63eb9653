"""The interaction surface of one analysis: the smooth and linear surfaces and the LR test."""

from interplay.analysis.surface import surface_analysis
from interplay.covariates import with_covariates
from interplay.jobs.analysis_inputs import read_analysis_inputs
from interplay.jobs.runner import run
from interplay.tables import write_table


def main(smk) -> None:
    """Fit both models to the analysis's data sets and write surface.tsv and surface_test.tsv."""
    inputs = read_analysis_inputs(smk.input, smk.params.settings)
    tables = surface_analysis(
        inputs.dataset,
        with_covariates(smk.params.settings, inputs.covariates),
        inputs.imputed,
        smk.params.surface,
    )
    for name, table in tables.items():
        write_table(table, smk.output[name])


run(snakemake, main)
