"""Fit, pool and tabulate the models of one analysis."""

from interplay.analysis import run_analysis
from interplay.runner import run
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write the models, joint, interaction, slopes and Johnson–Neyman tables."""
    imputed = read_table(smk.input.imputed) if hasattr(smk.input, "imputed") else None
    tables = run_analysis(
        read_table(smk.input.dataset),
        smk.params.settings,
        imputed,
        analysis=smk.wildcards.analysis,
    )
    for name, path in smk.output.items():
        write_table(tables[name], path)


run(snakemake, main)
