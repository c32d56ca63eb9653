"""Collect the key estimates of every analysis into one table, with E-values."""

from interplay.runner import run
from interplay.sensitivity import sensitivity_table
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write results/tables/sensitivity.tsv."""
    tables = {
        analysis: {
            table: read_table(smk.input[f"{analysis}/{table}"])
            for table in ["models", "interaction", "slopes"]
        }
        for analysis in smk.params.settings
    }
    write_table(sensitivity_table(smk.params.settings, tables), smk.output[0])


run(snakemake, main)
