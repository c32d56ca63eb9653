"""An analysis run within each level of a stratifier, such as the treatment step reached."""

import logging
from collections.abc import Mapping
from typing import Any

import pandas as pd

from interplay.analysis.fit import RESULT_TABLES, run_analysis
from interplay.imputation.imputed_sets import ImputedSets, as_imputed_sets
from interplay.jobs.config_checks import check_analysis_columns
from interplay.tables import WHOLE_SAMPLE

log = logging.getLogger(__name__)
NOT_RUN = "not run"


def stratum_name(column: str, level: object) -> str:
    """A stratum's name in the tables, e.g. treatment_step=2."""
    number = pd.to_numeric(pd.Series([level]), errors="coerce").iloc[0]
    shown = f"{number:g}" if pd.notna(number) else str(level)
    return f"{column}={shown}"


def with_stratum(tables: Mapping[str, pd.DataFrame], stratum: str) -> dict[str, pd.DataFrame]:
    """Each table with a leading `stratum` column."""
    return {
        name: table.assign(stratum=stratum)[["stratum", *table.columns]]
        for name, table in tables.items()
    }


def not_run_reason(column: str) -> str:
    """The `stratum` of an analysis that could not run because its stratifier was never recorded."""
    return f"{NOT_RUN}: the baseline table has no {column} column, or it is empty"


def was_run(table: pd.DataFrame) -> bool:
    """Whether a table of an analysis holds results (not the one row saying it was not run)."""
    return not table["stratum"].astype(str).str.startswith(NOT_RUN).any()


def run_stratified_analysis(
    dataset: pd.DataFrame,
    settings: Mapping[str, Any],
    imputed: ImputedSets | pd.DataFrame | None = None,
    *,
    analysis: str = "primary",
    seed: int = 0,
) -> dict[str, pd.DataFrame]:
    """run_analysis on the whole sample, or on each level of models.stratify_by (descriptive).

    Every table gains a first column `stratum`: `all`, or `<column>=<level>`. Patients whose
    stratifier is missing are left out of the stratified results (and counted in the log). When
    no patient has a value of the stratifier (an optional column absent from the baseline table),
    every table is one row whose only column, `stratum`, says that the analysis was not run.
    """
    check_analysis_columns(settings, list(dataset.columns))
    column = settings["models"].get("stratify_by")
    if not column:
        return with_stratum(
            run_analysis(dataset, settings, imputed, analysis=analysis, seed=seed), WHOLE_SAMPLE
        )
    unknown = dataset[column].isna()
    if unknown.all():
        reason = not_run_reason(column)
        log.warning("analysis %s %s", analysis, reason)
        return {name: pd.DataFrame({"stratum": [reason]}) for name in RESULT_TABLES}
    if unknown.any():
        log.warning("%d patients without %s are left out of the strata", unknown.sum(), column)
    parts: dict[str, list[pd.DataFrame]] = {}
    imputed = as_imputed_sets(imputed)
    for level, stratum in dataset[~unknown].groupby(column, sort=True):
        label = stratum_name(column, level)
        in_stratum = None
        if imputed is not None:
            in_stratum = imputed.of_rows(
                imputed.observed["patient_id"].isin(stratum["patient_id"]).to_numpy()
            )
        log.info("%s: %d patients", label, len(stratum))
        tables = run_analysis(stratum, settings, in_stratum, analysis=analysis, seed=seed)
        for name, table in with_stratum(tables, label).items():
            parts.setdefault(name, []).append(table)
    return {name: pd.concat(tables, ignore_index=True) for name, tables in parts.items()}
