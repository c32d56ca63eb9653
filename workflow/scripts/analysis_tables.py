"""The final models, joint, interaction and slopes tables: model-based rows and bootstrap rows."""

import pandas as pd
from interplay.bootstrap_tables import SUMMARY_COLUMNS, joint_with_method, with_bootstrap_rows
from interplay.privacy import COUNT_TABLES, protect
from interplay.runner import run
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write each table with the bootstrap intervals (if any) after their model-based rows.

    The counts of the joint table are protected (config privacy.min_cell_count).
    """
    summary = (
        read_table(smk.input.bootstrap)
        if hasattr(smk.input, "bootstrap")
        else pd.DataFrame(columns=SUMMARY_COLUMNS)
    )
    models = read_table(smk.input.models)
    bases = {
        "models": models,
        "joint": joint_with_method(read_table(smk.input.joint), models["ci_method"].iloc[0]),
        "interaction": read_table(smk.input.interaction),
        "slopes": read_table(smk.input.slopes),
    }
    for name, base in bases.items():
        table = with_bootstrap_rows(name, base, summary)
        if name == "joint":
            table, suppressed = protect(
                table, COUNT_TABLES["joint"], smk.params.min_cell_count, smk.output.joint
            )
            write_table(suppressed, smk.output.suppressed)
        write_table(table, smk.output[name])


run(snakemake, main)
