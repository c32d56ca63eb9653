"""Bootstrap replicate estimates of one shard of an analysis (aggregates only, no patient rows)."""

import logging

from interplay.bootstrap.replicates import Design, shard_estimates
from interplay.covariates import adjustment_covariates, with_covariates
from interplay.jobs.held_reference import with_held_reference
from interplay.jobs.imputations import analysis_imputations
from interplay.jobs.intermediates import read_dataset
from interplay.jobs.runner import run
from interplay.tables import read_table, write_table

log = logging.getLogger(__name__)


def main(smk) -> None:
    """Write the shard's replicate estimates and log each model's failed fits."""
    dataset = read_dataset(smk.input.dataset)
    table1 = read_table(smk.input.table1) if hasattr(smk.input, "table1") else None
    covariates = adjustment_covariates(smk.params.settings["covariates"], table1)
    imputed = analysis_imputations(smk.input, dataset, smk.params.settings, covariates)
    held = with_held_reference(smk.params.settings, getattr(smk.input, "reference", None))
    design = Design(
        seed=smk.params.seed,
        analysis=smk.wildcards.analysis,
        replicates=smk.params.replicates,
        imputations=smk.params.imputations if imputed is not None else 0,
        shards=smk.params.shards,
        firth=smk.params.firth_fallback,
    )
    frame = shard_estimates(
        dataset,
        imputed,
        with_covariates(held, covariates),
        design,
        int(smk.wildcards.shard),
    )
    for column in [c for c in frame.columns if c.startswith("status/")]:
        counts = frame[column].value_counts().to_dict()
        log.info("%s: %s", column.removeprefix("status/"), counts)
    write_table(frame, smk.output[0])


run(snakemake, main)
