"""Checks across rows and tables of the converted input; warnings for suspicious but valid data."""

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from interplay.convert import BELOW_LOD_SUFFIX, LOD_SUFFIX, TableSource
from interplay.dictionary import table_spec
from interplay.errors import InputError
from interplay.units import factor_text, unit_shift

log = logging.getLogger(__name__)

ID_COLUMN = "patient_id"
WEEK_COLUMN = "week"
HAMD_COLUMN = "hamd"
BASELINE_WEEK = 0
OUTLIER_PERCENTILE = 0.99
# The biomarker whose below-LOD values get a substitute (biomarkers.below_lod).
LOD_RULE_BIOMARKER = "il1b"
WARNING_COLUMNS = ["table", "column", "check", "n_affected", "message"]


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


def drop_unrated_visits(visits: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop visit rows without a HAMD rating (they carry no outcome); warn how many."""
    unrated = visits[HAMD_COLUMN].isna()
    rows = []
    if unrated.any():
        message = f"{int(unrated.sum())} visit row(s) without a HAMD rating were dropped"
        rows.append(
            warning_row("visits", HAMD_COLUMN, "unrated_visit", int(unrated.sum()), message)
        )
    return visits[~unrated], warnings_frame(rows)


def missing_mask(frame: pd.DataFrame, column: str) -> pd.Series:
    """Where a value is missing; a biomarker below the limit of detection is not missing."""
    missing = frame[column].isna()
    flag = column + BELOW_LOD_SUFFIX
    return missing & (frame[flag] == 0) if flag in frame.columns else missing


def missing_warnings(
    frame: pd.DataFrame, table: str, columns: Sequence[str], limit: float
) -> list[dict]:
    """Warn for each column with a larger fraction of missing values than `limit`."""
    rows = []
    for column in columns:
        missing = missing_mask(frame, column)
        fraction = float(missing.mean())
        if fraction > limit:
            message = (
                f"{int(missing.sum())} of {len(frame)} values missing ({fraction:.0%}, above the "
                f"warning level {limit:.0%} of config validation.warn_missing_fraction)"
            )
            rows.append(warning_row(table, column, "missing_fraction", int(missing.sum()), message))
    return rows


def outlier_warnings(
    frame: pd.DataFrame, table: str, columns: Sequence[str], ratio: float
) -> list[dict]:
    """Warn for biomarker values above `ratio` times the column's 99th percentile."""
    rows = []
    for column in columns:
        values = frame[column]
        # "lower" takes an observed value, so a single extreme value in a small sample does not
        # pull the percentile up to itself by interpolation.
        cutoff = ratio * values.quantile(OUTLIER_PERCENTILE, interpolation="lower")
        extreme = values > cutoff
        if extreme.any():
            ids = ", ".join(first_ids(frame.loc[extreme, ID_COLUMN])[:5])
            message = (
                f"{int(extreme.sum())} value(s) exceed {ratio:g} times the 99th percentile "
                f"({cutoff:.4g}); check units and typing (patient_id: {ids})"
            )
            rows.append(warning_row(table, column, "outlier", int(extreme.sum()), message))
    return rows


def ingestion_warnings(
    tables: Mapping[str, pd.DataFrame],
    dictionary: pd.DataFrame,
    missing_limit: float,
    outlier_ratio: float,
) -> pd.DataFrame:
    """Missing-value and biomarker-outlier warnings for every table, as one tidy frame."""
    rows = []
    for table, frame in tables.items():
        spec = table_spec(dictionary, table)
        present = spec[spec.index.isin(frame.columns) & (spec["type"] != "id")]
        rows += missing_warnings(frame, table, list(present.index), missing_limit)
        biomarkers = present.index[present["type"] == "biomarker"]
        rows += outlier_warnings(frame, table, list(biomarkers), outlier_ratio)
    return warnings_frame(rows)


def unit_warnings(
    tables: Mapping[str, pd.DataFrame], dictionary: pd.DataFrame, units: Mapping[str, str]
) -> pd.DataFrame:
    """One row per column that config data.units converted to the dictionary's unit."""
    rows = []
    for table, frame in tables.items():
        spec = table_spec(dictionary, table)
        for column in [column for column in units if column in frame.columns]:
            target = spec.loc[column, "unit"]
            shift = unit_shift(units[column], target)
            converted = frame[column].notna() | frame[column + LOD_SUFFIX].notna()
            how = (
                "values unchanged (the same unit)"
                if shift == 0
                else f"values {'multiplied' if shift > 0 else 'divided'} by {factor_text(shift)}"
            )
            message = (
                f"{column} was read in {units[column]} (config data.units) and converted to "
                f"{target}, the unit of the data dictionary: {how}, limits of detection included"
            )
            rows.append(warning_row(table, column, "unit_converted", int(converted.sum()), message))
    return warnings_frame(rows)


def breakdown(limits: pd.Series, unit: str) -> str:
    """Cells per limit, smallest limit first: '0.1 pg/mL: 50 cells, 0.2 pg/mL: 36 cells'."""
    counts = limits.value_counts().sort_index()
    return ", ".join(f"{limit:g} {unit}: {count} cell(s)" for limit, count in counts.items())


def configured_lod_warnings(
    frame: pd.DataFrame, table: str, column: str, configured: float, unit: str
) -> list[dict]:
    """Written limits that differ from the configured one or from each other; values below them."""
    below = frame[column + BELOW_LOD_SUFFIX] == 1
    written = frame.loc[below, column + LOD_SUFFIX]
    effective = written.fillna(configured)
    rows = []
    differs = written.notna() & ~np.isclose(written, configured, rtol=1e-9, atol=0)
    if differs.any():
        example = written[differs].iloc[0]
        message = (
            f"{int(differs.sum())} below-LOD cell(s) name a limit other than the configured "
            f"{configured:g} {unit} (biomarkers.il1b_lod): {breakdown(written[differs], unit)}. "
            "Each cell keeps its own written limit, so its substitute comes from that limit "
            f"(e.g. <{example:g} becomes {example / np.sqrt(2):.4g} under lod_sqrt2, "
            f"{example / 2:.4g} under lod_half); if the configured limit is wrong, correct "
            "biomarkers.il1b_lod (it applies to cells written <LOD)"
        )
        rows.append(warning_row(table, column, "lod_differs", int(differs.sum()), message))
    if effective.nunique() > 1:
        message = (
            f"below-LOD cells use {effective.nunique()} different limits of detection "
            f"(cells written <LOD counted at the configured {configured:g}): "
            f"{breakdown(effective, unit)}. Several assay batches? Each cell's substitute comes "
            "from its own limit; the cut-points table lists each limit with its substitute and "
            "patients"
        )
        rows.append(warning_row(table, column, "several_lods", int(below.sum()), message))
    values = frame[column]
    configured_name = "the configured limit of detection (biomarkers.il1b_lod)"
    thresholds = [("measured_below_lod", configured, configured_name)]
    if written.notna().any() and written.max() > configured:
        largest = float(written.max())
        thresholds.append(
            ("measured_below_written_lod", largest, "the largest limit written in a below-LOD cell")
        )
    for check, threshold, name in thresholds:
        measured_below = values < threshold
        if measured_below.any():
            message = (
                f"{int(measured_below.sum())} measured value(s) lie below {name}, "
                f"{threshold:g} {unit}, and are kept as measured values. If the assay could not "
                f"measure them, write them as <{threshold:g} (or <LOD) in the export so they are "
                "treated as below the LOD; if the assay's limit is lower, correct "
                "biomarkers.il1b_lod"
            )
            rows.append(warning_row(table, column, check, int(measured_below.sum()), message))
    return rows


def lod_warnings(
    frame: pd.DataFrame, table: str, dictionary: pd.DataFrame, il1b_lod: float | None
) -> pd.DataFrame:
    """Warnings about limits of detection in a table's biomarker columns.

    IL-1β's written limits and measured values are compared with the configured limit
    (biomarkers.il1b_lod; None: not compared). Other biomarkers (BDNF) have no below-LOD rule, so
    their below-LOD cells count as missing values, and are reported.
    """
    spec = table_spec(dictionary, table)
    biomarkers = [c for c in spec.index[spec["type"] == "biomarker"] if c in frame.columns]
    rows = []
    for column in biomarkers:
        unit = spec.loc[column, "unit"]
        if column == LOD_RULE_BIOMARKER:
            if il1b_lod is not None:
                rows += configured_lod_warnings(frame, table, column, il1b_lod, unit)
            continue
        below = int((frame[column + BELOW_LOD_SUFFIX] == 1).sum())
        if below:
            message = (
                f"{below} cell(s) are written as below a limit of detection, but {column} has no "
                "below-LOD rule: these patients have no value and leave the analysis as without "
                "a baseline biomarker value"
            )
            rows.append(warning_row(table, column, "below_lod_without_rule", below, message))
    return warnings_frame(rows)
