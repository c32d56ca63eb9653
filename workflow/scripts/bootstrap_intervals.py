"""Bootstrap intervals of every estimand of an analysis from its shards' replicate estimates."""

import logging

import pandas as pd
from interplay.bootstrap import REPLICATE, prepare_complete, prepare_imputed
from interplay.bootstrap_tables import SUMMARY_COLUMNS, summarise_complete, summarise_imputed
from interplay.covariates import adjustment_covariates, with_covariates
from interplay.runner import run
from interplay.tables import read_table, write_table

log = logging.getLogger("interplay")


def main(smk) -> None:
    """Write results/analyses/{analysis}/bootstrap.tsv; log estimands with lost replicates."""
    dataset = read_table(smk.input.dataset)
    imputed = read_table(smk.input.imputed) if hasattr(smk.input, "imputed") else None
    table1 = read_table(smk.input.table1) if hasattr(smk.input, "table1") else None
    settings = with_covariates(
        smk.params.settings, adjustment_covariates(smk.params.settings["covariates"], table1)
    )
    frame = pd.concat([read_table(path) for path in smk.input.shards], ignore_index=True)
    replicates = smk.params.replicates
    found = sorted(frame[REPLICATE].unique())
    if found != list(range(replicates)):
        raise ValueError(f"the shards hold replicates {found[:3]}…, not 0..{replicates - 1}")
    level = settings["models"]["ci_level"]
    if imputed is None:
        problem = prepare_complete(dataset, settings)
        summary = summarise_complete(problem, frame, smk.params.methods, level, replicates)
    else:
        problem = prepare_imputed(dataset, imputed, settings)
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
