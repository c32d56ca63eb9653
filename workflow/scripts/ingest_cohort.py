"""Read and validate the user's baseline and visits tables against the data dictionary."""

from interplay.dictionary import load_dictionary
from interplay.ingest import ingest_cohort
from interplay.runner import run
from interplay.tables import write_table


def main(smk) -> None:
    """Write the validated tables in our names and codes, and the data warnings."""
    cohort = ingest_cohort(
        smk.input.baseline,
        smk.input.visits,
        load_dictionary(smk.input.dictionary),
        columns=smk.params.columns,
        codes=smk.params.codes,
        schedule=smk.params.schedule,
        warn_missing_fraction=smk.params.validation["warn_missing_fraction"],
        warn_outlier_ratio=smk.params.validation["warn_outlier_ratio"],
        il1b_lod=smk.params.il1b_lod,
        units=smk.params.units,
    )
    write_table(cohort.baseline, smk.output.baseline)
    write_table(cohort.visits, smk.output.visits)
    write_table(cohort.warnings, smk.output.warnings)


run(snakemake, main)
