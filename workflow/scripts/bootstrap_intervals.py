"""Bootstrap intervals of every estimand of an analysis from its shards' replicate estimates."""

import logging

from interplay.bootstrap.replicates import prepare_complete, prepare_imputed
from interplay.bootstrap.tables import SUMMARY_COLUMNS, summarise_complete, summarise_imputed
from interplay.covariates import adjustment_covariates, with_covariates
from interplay.jobs.held_reference import with_held_reference
from interplay.jobs.imputations import analysis_imputations
from interplay.jobs.intermediates import read_dataset, read_shards
from interplay.jobs.runner import run
from interplay.tables import read_table, write_table

log = logging.getLogger(__name__)


def main(smk) -> None:
    """Write results/analyses/{analysis}/bootstrap.tsv; log estimands with lost replicates."""
    dataset = read_dataset(smk.input.dataset)
    table1 = read_table(smk.input.table1) if hasattr(smk.input, "table1") else None
    covariates = adjustment_covariates(smk.params.settings["covariates"], table1)
    imputed = analysis_imputations(smk.input, dataset, smk.params.settings, covariates)
    held = with_held_reference(smk.params.settings, getattr(smk.input, "reference", None))
    settings = with_covariates(held, covariates)
    replicates = smk.params.replicates
    level = settings["models"]["ci_level"]
    if imputed is None:
        problem, imputations = prepare_complete(dataset, settings), 0
    else:
        problem, imputations = prepare_imputed(dataset, imputed, settings), smk.params.imputations
    frame = read_shards(list(smk.input.shards), len(problem.rows.outcome), replicates, imputations)
    if imputed is None:
        summary = summarise_complete(problem, frame, smk.params.methods, level, replicates)
    else:
        summary = summarise_imputed(problem, frame, level, replicates)
    lost = summary.drop_duplicates(["table", "group", "term"])
    for _, row in lost[lost["used"] < replicates].iterrows():
        log.warning(
            "%s/%s/%s: %d of %d replicates unused (%d failed fits, %d undefined, %d Firth refits)",
            row["table"],
            row["group"],
            row["term"],
            replicates - row["used"],
            replicates,
            row["failed"],
            row["undefined"],
            row["firth"],
        )
    write_table(summary[SUMMARY_COLUMNS], smk.output[0])


run(snakemake, main)
