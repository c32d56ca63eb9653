"""Checks across rows and tables of the converted input; warnings for suspicious but valid data."""

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from interplay.columns import BASELINE_HAMD_COLUMN
from interplay.data.convert import BELOW_LOD_SUFFIX, LOD_SUFFIX, TableSource, without_leading_zeros
from interplay.data.dictionary import table_spec
from interplay.data.units import factor_text, unit_shift
from interplay.errors import InputError

log = logging.getLogger(__name__)

ID_COLUMN = "patient_id"
WEEK_COLUMN = "week"
HAMD_COLUMN = "hamd"
BASELINE_WEEK = 0
# Weeks computed as days / 7 carry rounding error; a visit this close to the window edge is in it.
WINDOW_TOLERANCE = 1e-9
MAX_LISTED_WEEKS = 5
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


def nearest_scheduled_weeks(weeks: pd.Series, schedule: Sequence[int]) -> pd.DataFrame:
    """Each week's nearest scheduled week (the earlier one on a tie) and its distance from it."""
    scheduled = np.sort(np.asarray(schedule, dtype=float))
    distance = np.abs(weeks.to_numpy(dtype=float)[:, None] - scheduled[None, :])
    # argmin takes the first minimum, i.e. the earlier scheduled week; a missing week stays NaN.
    nearest = np.nan_to_num(distance, nan=np.inf).argmin(axis=1)
    rows = np.arange(len(weeks))
    return pd.DataFrame(
        {"nominal": scheduled[nearest], "distance": distance[rows, nearest]}, index=weeks.index
    )


def in_window(distance: pd.Series, window_weeks: float) -> pd.Series:
    """Whether a visit lies within the window (a missing week never does)."""
    return distance <= window_weeks + WINDOW_TOLERANCE


def largest_useful_window(schedule: Sequence[int]) -> float:
    """Half the shortest gap between scheduled weeks: wider windows would overlap."""
    gaps = np.diff(np.sort(np.asarray(schedule, dtype=float)))
    return float(gaps.min()) / 2


def week_list(weeks: pd.Series) -> str:
    """The distinct weeks in order, 'missing' last, at most MAX_LISTED_WEEKS of them."""
    distinct = sorted({float(week) for week in weeks.dropna()})
    shown = [f"{week:g}" for week in distinct] + (["missing"] if weeks.isna().any() else [])
    more = len(shown) - MAX_LISTED_WEEKS
    return ", ".join(shown[:MAX_LISTED_WEEKS]) + (f" (and {more} more)" if more > 0 else "")


def schedule_fix(weeks: pd.Series, distance: pd.Series, schedule: Sequence[int]) -> str:
    """How to resolve visits outside every window: widen the window, or correct far-off weeks."""
    limit = largest_useful_window(schedule)
    near = in_window(distance, limit)
    fixes = []
    if near.any():
        # Up to the next hundredth, rounded first so that 1.43 (as 1.4299999) stays 1.43.
        needed = math.ceil(round(distance[near].max() * 100, 6)) / 100
        fixes.append(
            f"the weeks {week_list(weeks[near])} are near a scheduled week: to count each visit "
            f"at its nearest scheduled week, set outcome: {{window_weeks: {needed:g}}} in "
            "config.yaml (listing them in outcome.schedule instead would make them extra visits, "
            "so that ratings meant for a scheduled week, e.g. the outcome week, would not count "
            "as such)"
        )
    if (~near).any():
        fixes.append(
            f"correct the weeks {week_list(weeks[~near])} (no scheduled week within "
            f"{limit:g} weeks; every visit needs a week), or, if visits were planned then "
            "(e.g. a longer follow-up), add those weeks to outcome.schedule"
        )
    return "; ".join(fixes)


def check_schedule(
    visits: pd.DataFrame, schedule: Sequence[int], window_weeks: float, source: TableSource
) -> None:
    """Require every visit week to be given and within window_weeks of a scheduled week."""
    weeks = visits[WEEK_COLUMN]
    nearest = nearest_scheduled_weeks(weeks, schedule)
    outside = ~in_window(nearest["distance"], window_weeks)
    if not outside.any():
        return
    where = (
        f"not in the visit schedule {list(schedule)}"
        if window_weeks == 0
        else f"not within {window_weeks:g} week(s) (outcome.window_weeks) of the visit schedule "
        f"{list(schedule)}"
    )
    raise InputError(
        f"{int(outside.sum())} visit(s) have a week that is {where}: {week_list(weeks[outside])}",
        file=source.file,
        column=source.label(WEEK_COLUMN),
        ids=first_ids(visits.loc[outside, ID_COLUMN]),
        fix=schedule_fix(weeks[outside], nearest.loc[outside, "distance"], schedule),
    )


def count_by_week(weeks: pd.Series) -> str:
    """'k at week w' for each week, in week order."""
    counts = weeks.value_counts().sort_index()
    return ", ".join(f"{count} at week {week:g}" for week, count in counts.items())


def nominal_visits(
    visits: pd.DataFrame, schedule: Sequence[int], window_weeks: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Visits at their nominal (nearest scheduled) week, one per patient and week; warnings.

    Of several visits of a patient in one window the one nearest the nominal week is kept, the
    earlier on a tie; the others are set aside. Weeks must already pass check_schedule.
    """
    nearest = nearest_scheduled_weeks(visits[WEEK_COLUMN], schedule)
    ranked = visits.assign(nominal=nearest["nominal"], distance=nearest["distance"]).sort_values(
        [ID_COLUMN, "nominal", "distance", WEEK_COLUMN], kind="stable"
    )
    duplicate = ranked.duplicated([ID_COLUMN, "nominal"])
    kept, set_aside = ranked[~duplicate], ranked[duplicate]
    remapped = kept.loc[kept["distance"] > 0]
    rows = []
    if len(remapped):
        message = (
            f"{len(remapped)} visit(s) recorded off their scheduled week were counted at the "
            f"nearest scheduled week within {window_weeks:g} week(s) (outcome.window_weeks): "
            + count_by_week(remapped["nominal"])
        )
        rows.append(warning_row("visits", WEEK_COLUMN, "visit_window", len(remapped), message))
    if len(set_aside):
        message = (
            f"{len(set_aside)} visit(s) set aside because the same patient had a visit nearer to "
            f"the scheduled week in the same window: {count_by_week(set_aside['nominal'])}"
        )
        rows.append(
            warning_row("visits", WEEK_COLUMN, "visit_window_duplicate", len(set_aside), message)
        )
        pairs = zip(set_aside[ID_COLUMN], set_aside[WEEK_COLUMN], strict=True)
        log.info(
            "visits set aside (patient_id week): %s", ", ".join(f"{p} {w:g}" for p, w in pairs)
        )
    nominal = kept.drop(columns=[WEEK_COLUMN, "distance"]).rename(columns={"nominal": WEEK_COLUMN})
    return nominal[visits.columns], warnings_frame(rows)


def check_known_patients(
    visits: pd.DataFrame, baseline: pd.DataFrame, source: TableSource, baseline_source: TableSource
) -> None:
    """Require every patient with visits to be in the baseline table."""
    unknown = ~visits[ID_COLUMN].isin(baseline[ID_COLUMN])
    if not unknown.any():
        return
    ids = first_ids(visits.loc[unknown, ID_COLUMN])
    problem = (
        f"{len(ids)} patient(s) have visits but are not in the baseline table "
        f"{baseline_source.file}"
    )
    fix = (
        "add these patients to the baseline table, or delete their visits; check that both "
        "tables write the IDs the same way"
    )
    zero_padded = leading_zero_matches(pd.Series(ids), baseline[ID_COLUMN])
    if zero_padded:
        theirs, ours = next(iter(zero_padded.items()))
        problem += (
            f"; {len(zero_padded)} of them differ from a baseline ID only by leading zeros "
            f"(visits '{theirs}', baseline '{ours}')"
        )
        fix = (
            "if IDs such as 0007 and 7 are the same patient, set config "
            "data.ids: {strip_leading_zeros: true}; otherwise " + fix
        )
    raise InputError(problem, file=source.file, column=source.label(ID_COLUMN), ids=ids, fix=fix)


def leading_zero_matches(unknown: pd.Series, known: pd.Series) -> dict[str, str]:
    """{unknown ID: known ID} for IDs equal once leading zeros are stripped, when that is unique."""
    stripped_known = without_leading_zeros(known)
    if stripped_known.duplicated().any():
        return {}
    by_stripped = dict(zip(stripped_known, known, strict=True))
    stripped = without_leading_zeros(unknown)
    return {
        theirs: by_stripped[key]
        for theirs, key in zip(unknown, stripped, strict=True)
        if key in by_stripped
    }


def merge_baseline_hamd(
    baseline: pd.DataFrame, visits: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Baseline HAMD from a week-0 visit or, without one, the baseline table's hamd_baseline.

    Returns the baseline table without that column, the visits with a week-0 row added for each
    patient whose rating comes from it, and warnings: where both sources disagree (the week-0
    visit wins) and how many patients have no baseline rating at all.
    """
    week0 = visits.loc[visits[WEEK_COLUMN] == BASELINE_WEEK].set_index(ID_COLUMN)[HAMD_COLUMN]
    column = baseline.set_index(ID_COLUMN).get(BASELINE_HAMD_COLUMN)
    rows = []
    if column is not None:
        column = column.dropna()
        both = column.index.intersection(week0.index)
        difference = (week0[both] - column[both]).abs()
        disagree = difference[difference > 0]
        if len(disagree):
            message = (
                f"{len(disagree)} patient(s) have a week-0 visit HAMD and a different "
                f"{BASELINE_HAMD_COLUMN} in the baseline table (largest difference "
                f"{disagree.max():g} points); the week-0 visit rating is used"
            )
            rows.append(
                warning_row(
                    "baseline",
                    BASELINE_HAMD_COLUMN,
                    "baseline_hamd_disagrees",
                    len(disagree),
                    message,
                )
            )
            log.info("baseline HAMD sources disagree for patient_id: %s", ", ".join(disagree.index))
        added = column.drop(week0.index, errors="ignore")
        log.info("%d baseline HAMD rating(s) taken from the baseline table", len(added))
        added_visits = pd.DataFrame(
            {ID_COLUMN: added.index, WEEK_COLUMN: BASELINE_WEEK, HAMD_COLUMN: added.to_numpy()}
        )
        # Reindexed: declared visits columns (data.extra_columns) are missing in the added rows.
        added_visits = added_visits.reindex(columns=visits.columns).astype(visits.dtypes.to_dict())
        visits = pd.concat([visits, added_visits])
        baseline = baseline.drop(columns=BASELINE_HAMD_COLUMN)
    rated = visits.loc[visits[WEEK_COLUMN] == BASELINE_WEEK, ID_COLUMN]
    unrated = baseline.loc[~baseline[ID_COLUMN].isin(rated), ID_COLUMN]
    if len(unrated):
        message = (
            f"{len(unrated)} patient(s) have no baseline HAMD rating (no week-0 visit and no "
            f"{BASELINE_HAMD_COLUMN} in the baseline table); see outcome.missing_baseline"
        )
        rows.append(warning_row("visits", HAMD_COLUMN, "no_baseline_hamd", len(unrated), message))
    return baseline, visits, warnings_frame(rows)


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
    frame: pd.DataFrame, table: str, column: str, configured: float, unit: str, setting: str
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
            f"{configured:g} {unit} ({setting}): {breakdown(written[differs], unit)}. "
            "Each cell keeps its own written limit, so its substitute comes from that limit "
            f"(e.g. <{example:g} becomes {example / np.sqrt(2):.4g} under lod_sqrt2, "
            f"{example / 2:.4g} under lod_half); if the configured limit is wrong, correct "
            f"{setting} (it applies to cells written <LOD)"
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
    configured_name = f"the configured limit of detection ({setting})"
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
                f"treated as below the LOD; if the assay's limit is lower, correct {setting}"
            )
            rows.append(warning_row(table, column, check, int(measured_below.sum()), message))
    return rows


def lod_warnings(
    frame: pd.DataFrame,
    table: str,
    dictionary: pd.DataFrame,
    lods: Mapping[str, Mapping[str, Any]],
) -> pd.DataFrame:
    """Warnings about limits of detection in a table's biomarker columns.

    A column of `lods` ({column: {lod, setting}}: a pair variable with pair.<role>.lod) has its
    written limits and measured values compared with that limit. Other biomarkers have no
    below-LOD rule, so their below-LOD cells count as missing values, and are reported.
    """
    spec = table_spec(dictionary, table)
    biomarkers = [c for c in spec.index[spec["type"] == "biomarker"] if c in frame.columns]
    rows = []
    for column in biomarkers:
        unit = spec.loc[column, "unit"]
        if column in lods:
            limit, setting = float(lods[column]["lod"]), lods[column]["setting"]
            rows += configured_lod_warnings(frame, table, column, limit, unit, setting)
            continue
        below = int((frame[column + BELOW_LOD_SUFFIX] == 1).sum())
        if below:
            message = (
                f"{below} cell(s) are written as below a limit of detection, but {column} has no "
                "below-LOD rule (no pair.exposure.lod or pair.modifier.lod for it): these "
                "patients have no value, and leave an analysis that needs it as without a "
                "baseline value"
            )
            rows.append(warning_row(table, column, "below_lod_without_rule", below, message))
    return warnings_frame(rows)
