"""The headline findings of the primary analysis: findings.tsv, findings.md, the report's text."""

from pathlib import Path

from interplay.jobs.runner import run
from interplay.pair import pair_from_settings
from interplay.report.findings import (
    findings_documents,
    findings_table,
    johnson_neyman_sentence,
)
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write the findings table and its three renderings."""
    pair = pair_from_settings(smk.params.pair)
    models = read_table(smk.input.models)
    interaction = read_table(smk.input.interaction)
    findings = findings_table(
        models, interaction, read_table(smk.input.sensitivity), smk.params.ci_level, pair
    )
    write_table(findings, smk.output.table)
    regions = johnson_neyman_sentence(
        read_table(smk.input.johnson_neyman), pair, smk.params.ci_level
    )
    documents = findings_documents(
        findings,
        models,
        interaction,
        smk.params.ci_level,
        smk.params.synthetic,
        pair,
        [regions] if regions else [],
    )
    for name in ["markdown", "rst", "html"]:
        Path(smk.output[name]).write_text(documents[name], encoding="utf-8")


run(snakemake, main)
