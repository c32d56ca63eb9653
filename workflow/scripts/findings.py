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
    prediction = read_table(smk.input.prediction[0]) if smk.input.prediction else None
    surface_test = (
        read_table(smk.input.surface_test) if hasattr(smk.input, "surface_test") else None
    )
    findings = findings_table(
        models,
        interaction,
        read_table(smk.input.sensitivity),
        smk.params.ci_level,
        pair,
        prediction,
        surface_test,
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
