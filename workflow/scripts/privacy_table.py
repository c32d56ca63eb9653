"""The list of suppressed counts (results/tables/privacy.tsv), gathered from every job's log."""

from interplay.privacy import suppression_log
from interplay.runner import run
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Concatenate the suppression logs in the order of the inputs."""
    write_table(suppression_log([read_table(path) for path in smk.input]), smk.output[0])


run(snakemake, main)
