"""Derive the analysis dataset, the participant flow, who left it, and the biomarker cut-points."""

from interplay.data.flow import build_analysis_dataset
from interplay.jobs.runner import run
from interplay.privacy import COUNT_TABLES, protect
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write the dataset every model reads, with its flow and cut-point tables; a sensitivity
    analysis's flow hides what the primary flow hides."""
    analysis_data = build_analysis_dataset(
        read_table(smk.input.baseline),
        read_table(smk.input.visits),
        smk.params.outcome,
        smk.params.pair,
    )
    write_table(analysis_data.dataset, smk.output.dataset)
    primary = smk.input.primary_flow if hasattr(smk.input, "primary_flow") else None
    flow, suppressed = protect(
        analysis_data.flow,
        COUNT_TABLES["flow"],
        smk.params.min_cell_count,
        smk.output.flow,
        published=(read_table(primary), primary) if primary else None,
    )
    write_table(flow, smk.output.flow)
    write_table(suppressed, smk.output.suppressed)
    write_table(analysis_data.exclusions, smk.output.exclusions)
    write_table(analysis_data.cutpoints, smk.output.cutpoints)


run(snakemake, main)
