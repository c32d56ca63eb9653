"""The final models, joint, interaction and slopes tables: model-based rows and bootstrap rows."""

import pandas as pd
from interplay.bootstrap.tables import SUMMARY_COLUMNS, final_tables
from interplay.jobs.runner import run
from interplay.privacy import COUNT_TABLES, protect, suppression_log
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write each table with the bootstrap intervals (if any) after their model-based rows.

    The counts of the joint and models tables are protected (config privacy.min_cell_count).
    """
    summary = (
        read_table(smk.input.bootstrap)
        if hasattr(smk.input, "bootstrap")
        else pd.DataFrame(columns=SUMMARY_COLUMNS)
    )
    tables = ["models", "joint", "interaction", "slopes"]
    bases = {name: read_table(smk.input[name]) for name in tables}
    logs = []
    for name, table in final_tables(bases, summary).items():
        if name in COUNT_TABLES:
            table, suppressed = protect(
                table, COUNT_TABLES[name], smk.params.min_cell_count, smk.output[name]
            )
            logs.append(suppressed)
        write_table(table, smk.output[name])
    write_table(suppression_log(logs), smk.output.suppressed)


run(snakemake, main)
