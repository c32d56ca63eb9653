"""The final models, joint, interaction and slopes tables: model-based rows and bootstrap rows."""

from interplay.bootstrap.tables import BOOTSTRAPPED_TABLES, write_final_tables
from interplay.jobs.runner import run
from interplay.tables import read_table


def main(smk) -> None:
    """Write each table with the bootstrap intervals (if any) after their model-based rows.

    The counts of the joint and models tables are protected (config privacy.min_cell_count).
    """
    summary = read_table(smk.input.bootstrap) if hasattr(smk.input, "bootstrap") else None
    bases = {name: read_table(smk.input[name]) for name in BOOTSTRAPPED_TABLES}
    write_final_tables(
        bases,
        summary,
        smk.params.min_cell_count,
        {name: smk.output[name] for name in BOOTSTRAPPED_TABLES},
        smk.output.suppressed,
    )


run(snakemake, main)
