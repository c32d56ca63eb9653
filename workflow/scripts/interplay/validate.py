"""Checks across rows and tables of the converted input; warnings for suspicious but valid data."""

import logging
from collections.abc import Mapping, Sequence

import pandas as pd

from interplay.convert import BELOW_LOD_SUFFIX, TableSource
from interplay.dictionary import table_spec
from interplay.errors import InputError

log = logging.getLogger(__name__)

ID_COLUMN = "patient_id"
WEEK_COLUMN = "week"
HAMD_COLUMN = "hamd"
BASELINE_WEEK = 0
OUTLIER_PERCENTILE = 0.99
WARNING_COLUMNS = ["table", "column", "check", "n_affected", "message"]
# The patient-level detail behind the (aggregate) warnings; it stays out of results/tables/.
PATIENT_WARNING_COLUMNS = ["table", "column", "check", "patient_id", "week", "value"]
PATIENT_WARNINGS_FILE = "results/data/data_warnings_by_patient.tsv"


def first_ids(ids: pd.Series) -> list[str]:
    """Distinct patient IDs in order of appearance."""
    return list(dict.fromkeys(ids.astype(str)))


def check_unique(frame: pd.DataFrame, keys: list[str], source: TableSource) -> None:
    """Require one row per key (patient, or patient and week)."""
    repeated = frame.duplicated(keys, keep=False)
    if not repeated.any():
        return
    what = " and ".join(keys)
    rows = frame.loc[repeated, keys].drop_duplicates()
    shown = ", ".join(" ".join(map(str, row)) for row in rows.head(5).itertuples(index=False))
    raise InputError(
        f"{len(rows)} {what} value(s) appear on more than one row: {shown}",
        file=source.file,
        column=", ".join(source.label(key) for key in keys),
        ids=first_ids(rows[ID_COLUMN]),
        fix=f"keep one row per {what}: delete or merge the repeated rows",
    )


def check_schedule(visits: pd.DataFrame, schedule: Sequence[int], source: TableSource) -> None:
    """Require every visit week to be given and to be one of the configured visit weeks."""
    weeks = visits[WEEK_COLUMN]
    off_schedule = ~weeks.isin(list(schedule))
    if not off_schedule.any():
        return
    found = sorted({"missing" if pd.isna(week) else f"{week:g}" for week in weeks[off_schedule]})
    raise InputError(
        f"{int(off_schedule.sum())} visit(s) have a week that is not in the visit schedule "
        f"{list(schedule)}: {', '.join(found)}",
        file=source.file,
        column=source.label(WEEK_COLUMN),
        ids=first_ids(visits.loc[off_schedule, ID_COLUMN]),
        fix="correct these weeks (every visit needs one), or list them in config outcome.schedule",
    )


def check_known_patients(
    visits: pd.DataFrame, baseline: pd.DataFrame, source: TableSource, baseline_source: TableSource
) -> None:
    """Require every patient with visits to be in the baseline table."""
    unknown = ~visits[ID_COLUMN].isin(baseline[ID_COLUMN])
    if not unknown.any():
        return
    ids = first_ids(visits.loc[unknown, ID_COLUMN])
    raise InputError(
        f"{len(ids)} patient(s) have visits but are not in the baseline table "
        f"{baseline_source.file}",
        file=source.file,
        column=source.label(ID_COLUMN),
        ids=ids,
        fix="add these patients to the baseline table, or delete their visits; check that both "
        "tables write the IDs the same way",
    )


def check_baseline_hamd(baseline: pd.DataFrame, visits: pd.DataFrame, source: TableSource) -> None:
    """Require a week-0 HAMD rating for every patient in the baseline table."""
    rated = visits.loc[visits[WEEK_COLUMN] == BASELINE_WEEK, ID_COLUMN]
    unrated = ~baseline[ID_COLUMN].isin(rated)
    if not unrated.any():
        return
    raise InputError(
        f"{int(unrated.sum())} patient(s) have no baseline (week {BASELINE_WEEK}) HAMD rating",
        file=source.file,
        column=source.label(HAMD_COLUMN),
        ids=first_ids(baseline.loc[unrated, ID_COLUMN]),
        fix=f"add each patient's week-{BASELINE_WEEK} HAMD to the visits table, or remove the "
        "patient from the baseline table (the analysis needs baseline severity)",
    )


def warning_row(table: str, column: str, check: str, n_affected: int, message: str) -> dict:
    """One tidy warning record, also sent to the log."""
    log.warning("%s.%s: %s", table, column, message)
    return dict(zip(WARNING_COLUMNS, (table, column, check, n_affected, message), strict=True))


def warnings_frame(rows: list[dict]) -> pd.DataFrame:
    """Tidy warnings (table, column, check, n_affected, message), empty when there are none."""
    return pd.DataFrame(rows, columns=WARNING_COLUMNS).astype({"n_affected": "int64"})


def affected_patients(
    frame: pd.DataFrame, affected: pd.Series, table: str, column: str, check: str
) -> pd.DataFrame:
    """The patient-level rows behind one warning (PATIENT_WARNING_COLUMNS); IDs also logged."""
    rows = frame.loc[affected]
    log.warning(
        "%s.%s (%s): patient_id %s", table, column, check, ", ".join(first_ids(rows[ID_COLUMN]))
    )
    week = rows.get(WEEK_COLUMN, pd.NA)
    detail = pd.DataFrame(
        {"patient_id": rows[ID_COLUMN], "week": week, "value": rows[column]}
    ).assign(table=table, column=column, check=check)
    return detail[PATIENT_WARNING_COLUMNS]


def patient_warnings_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """All patient-level warning rows as one frame, empty (with its columns) when there are none."""
    found = [part.astype({"value": object}) for part in parts if not part.empty]
    return (
        pd.concat(found, ignore_index=True)
        if found
        else pd.DataFrame(columns=PATIENT_WARNING_COLUMNS)
    )


def drop_unrated_visits(visits: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Drop visit rows without a HAMD rating (they carry no outcome); warn how many, and whose."""
    unrated = visits[HAMD_COLUMN].isna()
    rows, patients = [], []
    if unrated.any():
        message = f"{int(unrated.sum())} visit row(s) without a HAMD rating were dropped"
        rows.append(
            warning_row("visits", HAMD_COLUMN, "unrated_visit", int(unrated.sum()), message)
        )
        patients.append(affected_patients(visits, unrated, "visits", HAMD_COLUMN, "unrated_visit"))
    return visits[~unrated], warnings_frame(rows), patient_warnings_frame(patients)


def missing_mask(frame: pd.DataFrame, column: str) -> pd.Series:
    """Where a value is missing; a biomarker below the limit of detection is not missing."""
    missing = frame[column].isna()
    flag = column + BELOW_LOD_SUFFIX
    return missing & (frame[flag] == 0) if flag in frame.columns else missing


def missing_warnings(
    frame: pd.DataFrame, table: str, columns: Sequence[str], limit: float
) -> tuple[list[dict], list[pd.DataFrame]]:
    """Warn for each column with a larger fraction of missing values than `limit`, and whose."""
    rows, patients = [], []
    for column in columns:
        missing = missing_mask(frame, column)
        fraction = float(missing.mean())
        if fraction > limit:
            message = (
                f"{int(missing.sum())} of {len(frame)} values missing ({fraction:.0%}, above the "
                f"warning level {limit:.0%} of config validation.warn_missing_fraction)"
            )
            rows.append(warning_row(table, column, "missing_fraction", int(missing.sum()), message))
            patients.append(affected_patients(frame, missing, table, column, "missing_fraction"))
    return rows, patients


def outlier_warnings(
    frame: pd.DataFrame, table: str, columns: Sequence[str], ratio: float
) -> tuple[list[dict], list[pd.DataFrame]]:
    """Warn for biomarker values above `ratio` times the column's 99th percentile, and whose."""
    rows, patients = [], []
    for column in columns:
        values = frame[column]
        # "lower" takes an observed value, so a single extreme value in a small sample does not
        # pull the percentile up to itself by interpolation.
        cutoff = ratio * values.quantile(OUTLIER_PERCENTILE, interpolation="lower")
        extreme = values > cutoff
        if extreme.any():
            message = (
                f"{int(extreme.sum())} value(s) exceed {ratio:g} times the 99th percentile "
                f"({cutoff:.4g}); check units and typing (the patients are listed in "
                f"{PATIENT_WARNINGS_FILE})"
            )
            rows.append(warning_row(table, column, "outlier", int(extreme.sum()), message))
            patients.append(affected_patients(frame, extreme, table, column, "outlier"))
    return rows, patients


def ingestion_warnings(
    tables: Mapping[str, pd.DataFrame],
    dictionary: pd.DataFrame,
    missing_limit: float,
    outlier_ratio: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Missing-value and biomarker-outlier warnings for every table, and the patients affected."""
    rows, patients = [], []
    for table, frame in tables.items():
        spec = table_spec(dictionary, table)
        present = spec[spec.index.isin(frame.columns) & (spec["type"] != "id")]
        biomarkers = present.index[present["type"] == "biomarker"]
        for found, detail in [
            missing_warnings(frame, table, list(present.index), missing_limit),
            outlier_warnings(frame, table, list(biomarkers), outlier_ratio),
        ]:
            rows += found
            patients += detail
    return warnings_frame(rows), patient_warnings_frame(patients)
