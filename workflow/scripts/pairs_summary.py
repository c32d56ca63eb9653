"""Collect the key estimates of every pair studied, with interaction tests adjusted across pairs."""

from interplay.jobs.runner import run
from interplay.sensitivity.pairs import pairs_table, protected_pairs
from interplay.sensitivity.summary import summary_inputs
from interplay.tables import write_table


def main(smk) -> None:
    """Write results/tables/pairs.tsv, computed from the counts before protection and then
    hiding those each analysis's models.tsv hides."""
    tables, protected_models = summary_inputs(smk.input, smk.params.settings)
    protected, suppressed = protected_pairs(
        pairs_table(smk.params.settings, tables),
        protected_models,
        smk.params.min_cell_count,
        smk.output.table,
    )
    write_table(protected, smk.output.table)
    write_table(suppressed, smk.output.suppressed)


run(snakemake, main)
