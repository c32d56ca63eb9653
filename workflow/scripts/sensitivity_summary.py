"""Collect the key estimates of every analysis into one table, with E-values."""

from interplay.jobs.runner import run
from interplay.sensitivity.summary import protected_sensitivity, sensitivity_table, summary_inputs
from interplay.tables import write_table


def main(smk) -> None:
    """Write results/tables/sensitivity.tsv, computed from the counts before protection and
    then hiding those each analysis's models.tsv hides."""
    tables, protected_models = summary_inputs(smk.input, smk.params.settings)
    protected, suppressed = protected_sensitivity(
        sensitivity_table(smk.params.settings, tables),
        protected_models,
        smk.params.min_cell_count,
        smk.output.table,
    )
    write_table(protected, smk.output.table)
    write_table(suppressed, smk.output.suppressed)


run(snakemake, main)
