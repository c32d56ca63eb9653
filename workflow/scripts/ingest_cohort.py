"""Read and validate the user's baseline and visits tables against the data dictionary."""

from interplay.data.dictionary import load_dictionary
from interplay.data.extra_columns import with_extra_columns
from interplay.data.ingest import ReadSettings, ingest_cohort
from interplay.data.text_files import TextSettings
from interplay.jobs.runner import run
from interplay.privacy import COUNT_TABLES, protect
from interplay.tables import write_table


def main(smk) -> None:
    """Write the validated tables in our names and codes, and the data warnings (counts only)."""
    cohort = ingest_cohort(
        smk.input.baseline,
        smk.input.visits,
        with_extra_columns(load_dictionary(smk.input.dictionary), smk.params.extra_columns),
        columns=smk.params.columns,
        codes=smk.params.codes,
        schedule=smk.params.schedule,
        window_weeks=smk.params.window_weeks,
        warn_missing_fraction=smk.params.validation["warn_missing_fraction"],
        warn_outlier_ratio=smk.params.validation["warn_outlier_ratio"],
        lods=smk.params.lods,
        units=smk.params.units,
        settings=ReadSettings(
            text=TextSettings(**smk.params.text),
            visits_format=smk.params.visits_format,
            wide_columns=smk.params.wide_columns,
            strip_leading_zeros=smk.params.strip_leading_zeros,
            sheet=smk.params.sheet,
            header_row=smk.params.header_row,
            value_labels=smk.params.value_labels,
        ),
    )
    write_table(cohort.baseline, smk.output.baseline)
    write_table(cohort.visits, smk.output.visits)
    warnings, suppressed = protect(
        cohort.warnings, COUNT_TABLES["warnings"], smk.params.min_cell_count, smk.output.warnings
    )
    write_table(warnings, smk.output.warnings)
    write_table(cohort.warnings_by_patient, smk.output.warnings_by_patient)
    write_table(suppressed, smk.output.suppressed)


run(snakemake, main)
