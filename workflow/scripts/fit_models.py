"""Fit, pool and tabulate the models of one analysis, and count its missing covariate values."""

from interplay.analysis.outputs import (
    BOOTSTRAPPED_TABLES,
    protected_missingness,
    write_tables_without_bootstrap,
)
from interplay.analysis.stratified import run_stratified_analysis
from interplay.covariates import with_covariates
from interplay.jobs.analysis_inputs import read_analysis_inputs
from interplay.jobs.held_reference import with_held_reference
from interplay.jobs.runner import run
from interplay.tables import write_table


def main(smk) -> None:
    """Write the missingness table and the model tables (models, joint, interaction and slopes
    to model_based/); with a suppression log among the outputs, also their final tables."""
    inputs = read_analysis_inputs(smk.input, smk.params.settings)
    held = with_held_reference(smk.params.settings, getattr(smk.input, "reference", None))
    missingness, missing_suppressed = protected_missingness(
        inputs.dataset, inputs.covariates, smk.params.min_cell_count, smk.output.missingness
    )
    write_table(missingness, smk.output.missingness)
    write_table(missing_suppressed, smk.output.missingness_suppressed)
    tables = run_stratified_analysis(
        inputs.dataset,
        with_covariates(held, inputs.covariates),
        inputs.imputed,
        analysis=smk.wildcards.analysis,
        seed=smk.params.seed,
    )
    for name, table in tables.items():
        model_based = name in BOOTSTRAPPED_TABLES
        write_table(table, smk.output[f"model_based_{name}" if model_based else name])
    if hasattr(smk.output, "suppressed"):
        write_tables_without_bootstrap(
            tables,
            smk.params.min_cell_count,
            {name: smk.output[name] for name in BOOTSTRAPPED_TABLES},
            smk.output.suppressed,
        )


run(snakemake, main)
