"""Derive the analysis dataset, the participant flow, who left it, and the biomarker cut-points."""

from interplay.flow import build_analysis_dataset
from interplay.runner import run
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write the dataset every model reads, with its flow and cut-point tables."""
    analysis_data = build_analysis_dataset(
        read_table(smk.input.baseline),
        read_table(smk.input.visits),
        smk.params.outcome,
        smk.params.biomarkers,
    )
    write_table(analysis_data.dataset, smk.output.dataset)
    write_table(analysis_data.flow, smk.output.flow)
    write_table(analysis_data.exclusions, smk.output.exclusions)
    write_table(analysis_data.cutpoints, smk.output.cutpoints)


run(snakemake, main)
