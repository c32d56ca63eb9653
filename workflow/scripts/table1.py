"""Table 1: baseline characteristics by outcome and by the pair's four two-group splits."""

from interplay.describe.table1 import protected_table1, table1
from interplay.jobs.intermediates import read_dataset
from interplay.jobs.runner import run
from interplay.labels import OUTCOMES
from interplay.pair import pair_from_settings
from interplay.privacy import suppression_log
from interplay.tables import write_table


def main(smk) -> None:
    """Write both Table 1 comparisons as long tidy tables, and what was suppressed in them."""
    dataset = read_dataset(smk.input.dataset)
    definition = smk.params.outcome_definition
    labels = (OUTCOMES[f"non_{definition}"], OUTCOMES[definition])
    pair = pair_from_settings(smk.params.pair)
    logs = []
    for table, path in [
        (table1(dataset, pair, "outcome", outcome_labels=labels), smk.output.by_remission),
        (table1(dataset, pair, "biomarker_group"), smk.output.by_biomarker_group),
    ]:
        protected, suppressed = protected_table1(table, smk.params.min_cell_count, path)
        write_table(protected, path)
        logs.append(suppressed)
    write_table(suppression_log(logs), smk.output.suppressed)


run(snakemake, main)
