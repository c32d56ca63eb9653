"""Write the statistical methods (results/methods.md) and its report page from the configuration."""

import json
from pathlib import Path

from interplay.jobs.runner import run
from interplay.report.methods import methods_html, methods_markdown, methods_sections
from interplay.tables import read_table


def main(smk) -> None:
    """Write methods.md and methods.html from the settings, cut-points, the primary analysis's
    interaction table (its additive reference group) and the provenance record."""
    sections = methods_sections(
        analyses=smk.params.analyses,
        bootstrap=smk.params.bootstrap,
        methods_by_analysis=smk.params.bootstrap_methods,
        privacy=smk.params.privacy,
        seed=smk.params.seed,
        cutpoints=read_table(smk.input.cutpoints),
        interaction=read_table(smk.input.interaction),
        provenance=json.loads(Path(smk.input.provenance).read_text(encoding="utf-8")),
        prediction=smk.params.prediction,
        surface=smk.params.surface,
    )
    Path(smk.output.markdown).write_text(methods_markdown(sections), encoding="utf-8")
    Path(smk.output.page).write_text(methods_html(sections), encoding="utf-8")


run(snakemake, main)
