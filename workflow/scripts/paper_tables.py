"""The paper's tables (Table 2, Table 3, the Knol & VanderWeele interaction table), with pages."""

from pathlib import Path

from interplay.jobs.runner import run
from interplay.report.paper_tables import (
    PAPER_TABLE_BUILDERS,
    analysis_tables,
    paper_pages,
    paper_tables,
)
from interplay.tables import read_table, write_table


def main(smk) -> None:
    """Write table2, table3 and interaction_2x2 (TSV) of the listed analyses, and a page each."""
    analyses = []
    for name in smk.params.analyses:
        table1 = smk.input.get(f"{name}_table1")
        analyses.append(
            analysis_tables(
                name,
                read_table(smk.input[f"{name}_dataset"]),
                smk.params.settings[name],
                read_table(smk.input[f"{name}_models"]),
                read_table(smk.input[f"{name}_interaction"]),
                read_table(table1) if table1 else None,
            )
        )
    tables = paper_tables(analyses, smk.params.min_cell_count)
    for name in PAPER_TABLE_BUILDERS:
        write_table(tables[name], smk.output[name])
    for name, page in paper_pages(
        tables, analyses[0].ci_level, {analysis.name: analysis.pair for analysis in analyses}
    ).items():
        Path(smk.output[f"{name}_page"]).write_text(page, encoding="utf-8")


run(snakemake, main)
