"""Table 1: baseline characteristics by outcome and by the four biomarker groups."""

from interplay.intermediates import read_dataset
from interplay.runner import run
from interplay.table1 import table1
from interplay.tables import write_table

OUTCOME_LABELS = {
    "remission": ("Non-remission", "Remission"),
    "response": ("Non-response", "Response"),
}


def main(smk) -> None:
    """Write both Table 1 comparisons as long tidy tables."""
    dataset = read_dataset(smk.input.dataset)
    labels = OUTCOME_LABELS[smk.params.outcome_definition]
    write_table(table1(dataset, "outcome", outcome_labels=labels), smk.output.by_remission)
    write_table(table1(dataset, "biomarker_group"), smk.output.by_biomarker_group)


run(snakemake, main)
