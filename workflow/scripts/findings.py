"""The headline findings of the primary analysis: findings.tsv, findings.md, the report's text."""

from pathlib import Path

from interplay.jobs.runner import run
from interplay.pair import pair_from_settings
from interplay.report.findings import findings_documents, findings_table
from interplay.tables import read_table, write_table

# Inputs that some configurations do not make (findings_optional_inputs, common.smk).
OPTIONAL_TABLES = ("prediction", "surface_test")


def main(smk) -> None:
    """Write the findings table and its three renderings."""
    pair = pair_from_settings(smk.params.pair)
    models = read_table(smk.input.models)
    interaction = read_table(smk.input.interaction)
    optional = {
        name: read_table(path) for name, path in smk.input.items() if name in OPTIONAL_TABLES
    }
    findings = findings_table(
        models,
        interaction,
        read_table(smk.input.sensitivity),
        smk.params.ci_level,
        pair,
        johnson_neyman=read_table(smk.input.johnson_neyman),
        **optional,
    )
    write_table(findings, smk.output.table)
    documents = findings_documents(
        findings, models, interaction, smk.params.ci_level, smk.params.synthetic, pair
    )
    for name in ["markdown", "rst", "html"]:
        Path(smk.output[name]).write_text(documents[name], encoding="utf-8")


run(snakemake, main)
