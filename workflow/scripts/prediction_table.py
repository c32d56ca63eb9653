"""The prediction tables of the analyses in prediction.analyses, one below the other."""

from interplay.jobs.runner import run
from interplay.tables import read_table, write_table_parts


def main(smk) -> None:
    """Write results/tables/prediction.tsv in the order of prediction.analyses."""
    write_table_parts((read_table(path) for path in smk.input), smk.output[0])


run(snakemake, main)
