"""The final models, joint, interaction and slopes tables: model-based rows and bootstrap rows."""

import pandas as pd
from interplay.bootstrap_tables import SUMMARY_COLUMNS, joint_with_method, with_bootstrap_rows
from interplay.runner import run
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write each table with the bootstrap intervals (if any) after their model-based rows."""
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
        write_table(with_bootstrap_rows(name, base, summary), smk.output[name])


run(snakemake, main)
