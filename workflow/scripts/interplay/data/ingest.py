"""Read a user's baseline and visits tables, map them onto the data dictionary and validate them.

Files: delimited text (interplay.data.text_files: .csv, .tsv, .txt, optionally .gz, any encoding),
Excel workbooks and SPSS, Stata and SAS files (interplay.data.stat_files), all read as the same text
cells. Every cell is stripped; an empty cell or one of NA, N/A, #N/A, NaN, null, . (any case) is a
missing value. Visits may be wide, one HAMD column per week (interplay.data.wide_visits).

Headers: config data.columns.<table> maps {our name: their header}; unmapped columns are looked up
under our name. Columns the dictionary does not know are dropped (logged); config
data.extra_columns adds columns to it (interplay.data.extra_columns). Optional dictionary
columns may be absent; they are then absent from the result too (logged).

Units: config data.units ({our column: your unit}) converts a biomarker exported in another
concentration unit to the dictionary's (e.g. BDNF in pg/mL to ng/mL) as it is read.

Missing values are allowed everywhere except patient_id and week; a visit row without a HAMD
rating is dropped (with a warning). Anything that breaks the contract raises an InputError.
"""

import difflib
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from interplay.data.convert import TableSource, code_key, code_table, convert_column, normalise_ids
from interplay.data.dictionary import TABLES, allowed_codes, table_spec
from interplay.data.stat_files import (
    Layout,
    PerTable,
    check_no_sheet_settings,
    is_export,
    read_export,
    table_layout,
)
from interplay.data.text_files import (
    TextSettings,
    format_warnings,
    read_text_cells,
    require_file,
)
from interplay.data.units import is_concentration, unit_shift
from interplay.data.validate import (
    BASELINE_WEEK,
    HAMD_COLUMN,
    ID_COLUMN,
    WEEK_COLUMN,
    check_known_patients,
    check_schedule,
    check_unique,
    drop_unrated_visits,
    ingestion_warnings,
    lod_warnings,
    merge_baseline_hamd,
    nominal_visits,
    patient_warnings_frame,
    unit_warnings,
    warnings_frame,
)
from interplay.data.wide_visits import matching_week_headers, wide_to_long
from interplay.errors import InputError

log = logging.getLogger(__name__)

MISSING_TOKENS = ("", "na", "n/a", "#n/a", "nan", "null", ".")
ColumnMap = Mapping[str, Mapping[str, str] | None]
CodeMap = Mapping[str, Mapping[object, object] | None]
UnitMap = Mapping[str, str]


@dataclass(frozen=True)
class IngestedCohort:
    """The validated input tables, in our names, codes and types, and the warnings raised.

    `warnings` holds counts only; `warnings_by_patient` names the patients behind them.
    """

    baseline: pd.DataFrame
    visits: pd.DataFrame
    warnings: pd.DataFrame
    warnings_by_patient: pd.DataFrame


@dataclass(frozen=True)
class ReadSettings:
    """How the user's files are written: format, visits layout, patient IDs (config data)."""

    text: TextSettings = field(default_factory=TextSettings)
    visits_format: str = "long"
    wide_columns: str = "hamd_w{week}"
    strip_leading_zeros: bool = False
    sheet: PerTable = None
    header_row: PerTable = 1
    value_labels: bool = True

    def layout(self, table: str) -> Layout:
        """The workbook and statistics-file settings of one table."""
        return table_layout(table, self.sheet, self.header_row, self.value_labels)


DEFAULT_READ_SETTINGS = ReadSettings()


def read_export_text(
    path: Path, table: str, settings: ReadSettings
) -> tuple[pd.DataFrame, list[dict]]:
    """A table as text (header: first non-blank row; missing tokens: NaN) and read warnings."""
    require_file(path)
    layout = settings.layout(table)
    encoding_note, read_warnings = "", []
    if is_export(path):
        cells = read_export(path, layout)
    else:
        check_no_sheet_settings(path, layout)
        cells, text_format = read_text_cells(path, settings.text.for_table(table))
        encoding_note = text_format.encoding_note()
        read_warnings = format_warnings(text_format, table, len(cells) - 1)
    if len(cells) < 2:
        raise InputError(
            "the file has no data rows",
            file=str(path),
            fix="export the table again, with its data" + encoding_note,
        )
    body = cells.iloc[1:]
    body.columns = list(cells.iloc[0])
    missing = body.mask(body.apply(lambda column: column.str.lower().isin(MISSING_TOKENS)))
    return missing, read_warnings


def check_column_map(mapping: Mapping[str, str], spec: pd.DataFrame, table: str) -> dict[str, str]:
    """The header to look for per dictionary column; config names must be ours and distinct."""
    unknown = sorted(set(mapping) - set(spec.index))
    if unknown:
        raise InputError(
            f"configuration data.columns.{table} names columns that the {table} table does not "
            f"have: {', '.join(unknown)}",
            fix=f"use our names as keys ({', '.join(spec.index)}) and your headers as values",
        )
    headers = {column: str(mapping.get(column) or column).strip() for column in spec.index}
    shared = pd.Series(headers)[pd.Series(headers).duplicated(keep=False)]
    if not shared.empty:
        raise InputError(
            f"configuration data.columns.{table} gives the same header to several columns: "
            + ", ".join(f"{column} -> '{header}'" for column, header in shared.items()),
            fix="map each of our columns to a different header of your file",
        )
    return headers


def select_columns(
    body: pd.DataFrame, spec: pd.DataFrame, headers: Mapping[str, str], source: TableSource
) -> pd.DataFrame:
    """Keep the dictionary's columns, renamed to ours; a required one must be present."""
    found = list(body.columns)
    present = [column for column in spec.index if headers[column] in found]
    for column in spec.index.difference(present, sort=False):
        if spec.loc[column, "required"] or headers[column] != column:
            raise missing_column(column, headers[column], found, source)
        log.info("%s: optional column '%s' is absent", source.file, column)
    doubled = [column for column in present if found.count(headers[column]) > 1]
    if doubled:
        raise InputError(
            "the file has several columns with the same header",
            file=source.file,
            column=source.label(doubled[0]),
            fix="rename or delete the repeated columns so each header appears once",
        )
    extra = sorted({str(header) for header in found} - {headers[column] for column in present})
    if extra:
        log.info("%s: dropping columns the data dictionary does not use: %s", source.file, extra)
    return body[[headers[column] for column in present]].set_axis(present, axis=1)


def closest_header(header: str, found: Sequence[str]) -> str | None:
    """The file's header most like the one looked for (ignoring case), if one is close."""
    lowered = {str(name).lower(): str(name) for name in found}
    match = difflib.get_close_matches(header.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[match[0]] if match else None


def missing_column(
    column: str, header: str, found: Sequence[str], source: TableSource
) -> InputError:
    """The error for a required column whose header is not in the file."""
    mapped = f" (mapped in config data.columns.{source.table}.{column})" if header != column else ""
    close = closest_header(header, found)
    suggestion = f"'{close}' is this column" if close else "your file calls it differently"
    return InputError(
        f"required column '{column}' not found: looked for the header '{header}'{mapped}; "
        f"the file's headers are: {', '.join(map(str, found))}",
        file=source.file,
        column=source.label(column),
        fix=f"if {suggestion}, map it in the configuration: "
        f"data: {{columns: {{{source.table}: {{{column}: {close or '<your header>'}}}}}}}",
    )


def wide_headers(
    headers: Mapping[str, str], columns: Mapping[str, str], wide_columns: str
) -> dict[str, str]:
    """The visits headers when the weeks come from columns named by a pattern."""
    mapped = [column for column in (WEEK_COLUMN, HAMD_COLUMN) if column in columns]
    if mapped:
        raise InputError(
            f"configuration data.columns.visits maps {' and '.join(mapped)}, but with "
            "data.visits_format: wide the weeks and HAMD ratings come from the columns named by "
            f"data.wide_visits.columns ('{wide_columns}')",
            fix=f"remove {' and '.join(mapped)} from data.columns.visits, and set "
            "data.wide_visits.columns to the pattern of your weekly HAMD headers",
        )
    return dict(headers) | {WEEK_COLUMN: f"week of {wide_columns}", HAMD_COLUMN: wide_columns}


def ingest_table(
    path: str | Path,
    table: str,
    dictionary: pd.DataFrame,
    columns: Mapping[str, str],
    codes: Mapping[str, dict[str, str | None]],
    units: UnitMap,
    settings: ReadSettings = DEFAULT_READ_SETTINGS,
    lod_columns: Collection[str] = (),
) -> tuple[pd.DataFrame, TableSource, list[dict]]:
    """Read one table and convert it column by column to our names, codes, types and units.

    `lod_columns` are the biomarkers whose below-LOD text is read (convert.convert_biomarker).
    """
    path = Path(path)
    spec = table_spec(dictionary, table)
    headers = check_column_map(columns, spec, table)
    body, read_warnings = read_export_text(path, table, settings)
    try:
        if table == "visits":
            headers, body = visits_layout(body, headers, columns, settings, str(path))
        source = TableSource(str(path), table, headers, settings.text.decimal)
        converted = convert_table(
            body, spec, headers, codes, units, source, settings.strip_leading_zeros, lod_columns
        )
    except InputError as error:
        raise noting_guesses(error, read_warnings) from None
    return converted, source, read_warnings


def visits_layout(
    body: pd.DataFrame,
    headers: dict[str, str],
    columns: Mapping[str, str],
    settings: ReadSettings,
    file: str,
) -> tuple[dict[str, str], pd.DataFrame]:
    """The visits headers and rows in long format; wide visits are turned long first."""
    if settings.visits_format == "wide":
        headers = wide_headers(headers, columns, settings.wide_columns)
        week, hamd = headers[WEEK_COLUMN], headers[HAMD_COLUMN]
        return headers, wide_to_long(body, settings.wide_columns, week, hamd, file)
    if headers[WEEK_COLUMN] in body.columns:
        return headers, body
    weekly = matching_week_headers([str(header) for header in body.columns], settings.wide_columns)
    if weekly:
        raise InputError(
            f"the visits file has no '{headers[WEEK_COLUMN]}' column but weekly HAMD columns "
            f"({', '.join(weekly)}): visits in wide format",
            file=file,
            fix="set config data.visits_format: wide (the weekly columns are found by "
            f"data.wide_visits.columns, now '{settings.wide_columns}')",
        )
    return headers, body


def convert_table(
    body: pd.DataFrame,
    spec: pd.DataFrame,
    headers: Mapping[str, str],
    codes: Mapping[str, dict[str, str | None]],
    units: UnitMap,
    source: TableSource,
    strip_leading_zeros: bool,
    lod_columns: Collection[str] = (),
) -> pd.DataFrame:
    """Select the dictionary's columns and convert each to our codes, types and units."""
    selected = select_columns(body, spec, headers, source)
    ids = normalise_ids(selected[ID_COLUMN], source, ID_COLUMN, strip_leading_zeros)
    converted = [ids.rename(ID_COLUMN).to_frame()] + [
        convert_column(
            selected[column],
            ids,
            spec.loc[column],
            codes.get(column, {}),
            source,
            units.get(column),
            lod_columns,
        )
        for column in selected.columns
        if column != ID_COLUMN
    ]
    log.info("%s: %d rows, columns %s", source.file, len(selected), list(selected.columns))
    return pd.concat(converted, axis=1)


def noting_guesses(error: InputError, read_warnings: list[dict]) -> InputError:
    """The error, with what was guessed in reading the file (a wrong guess garbles its text)."""
    if not read_warnings:
        return error
    notes = "; ".join(row["message"] for row in read_warnings)
    return InputError(
        error.problem,
        file=error.file,
        column=error.column,
        ids=error.ids,
        fix=f"{error.fix}. Note: {notes}",
    )


def check_code_map(codes: CodeMap, dictionary: pd.DataFrame) -> dict[str, dict[str, str | None]]:
    """Normalise config data.codes; each key must be a non-identifier dictionary column."""
    codable = set(dictionary.loc[dictionary["type"] != "id", "column"])
    unknown = sorted(set(codes) - codable)
    if unknown:
        raise InputError(
            f"configuration data.codes names columns that cannot be recoded: {', '.join(unknown)}",
            fix=f"use our column names as keys, one of: {', '.join(sorted(codable))}",
        )
    not_mappings = sorted(
        column for column, mapping in codes.items() if not isinstance(mapping, Mapping | None)
    )
    if not_mappings:
        raise InputError(
            f"configuration data.codes entries are not mappings: {', '.join(not_mappings)}",
            fix="write each entry as {your code: our code}, "
            "e.g. data.codes: {sex: {1: male, 2: female}}",
        )
    tables = {column: code_table(mapping or {}) for column, mapping in codes.items()}
    for _, spec in dictionary[dictionary["type"].isin(["binary", "category"])].iterrows():
        check_code_targets(tables.get(spec["column"], {}), spec)
    return tables


def check_code_targets(codes: Mapping[str, str | None], spec: pd.Series) -> None:
    """Require a binary or category column's codes to map onto its allowed codes (or null)."""
    allowed = allowed_codes(spec)
    targets = {ours for ours in codes.values() if ours is not None}
    wrong = ", ".join(f"'{code}'" for code in sorted(targets - set(map(code_key, allowed))))
    if wrong:
        raise InputError(
            f"configuration data.codes.{spec['column']} maps onto codes that {spec['column']} does "
            f"not have: {wrong}",
            fix=f"map your codes onto one of: {', '.join(allowed)} (or null for missing)",
        )


def check_unit_map(units: UnitMap, dictionary: pd.DataFrame) -> dict[str, str]:
    """Check config data.units: keys are columns measured in a concentration, values known units."""
    convertible = dictionary.loc[dictionary["unit"].map(is_concentration), "column"]
    unknown = sorted(set(units) - set(convertible))
    if unknown:
        raise InputError(
            f"configuration data.units names columns without a concentration unit: "
            f"{', '.join(unknown)}",
            fix=f"use our column names as keys, one of: {', '.join(sorted(convertible))}",
        )
    for column, unit in units.items():
        unit_shift(str(unit), dictionary.loc[dictionary["column"] == column, "unit"].iloc[0])
    return {column: str(unit) for column, unit in units.items()}


def ingest_cohort(
    baseline_path: str | Path,
    visits_path: str | Path,
    dictionary: pd.DataFrame,
    columns: ColumnMap,
    codes: CodeMap,
    schedule: Sequence[int],
    warn_missing_fraction: float = 0.20,
    warn_outlier_ratio: float = 10.0,
    window_weeks: float = 0,
    lods: Mapping[str, Mapping[str, Any]] | None = None,
    units: UnitMap | None = None,
    settings: ReadSettings = DEFAULT_READ_SETTINGS,
) -> IngestedCohort:
    """Read, map, convert and validate both tables; suspicious but valid data gives warnings.

    Each visit is counted at its nominal week (validate.nominal_visits); the baseline HAMD comes
    from a week-0 visit or the baseline table (validate.merge_baseline_hamd). `lods`
    ({column: {lod, setting}}, biomarkers.assay_limits) names the pair variables with a limit of
    detection: their below-LOD text is read, and each limit is compared with the limits written
    in below-LOD cells and with measured values (warnings only); `units` is config data.units.
    """
    columns, codes = columns or {}, codes or {}
    unknown_tables = sorted(set(columns) - set(TABLES))
    if unknown_tables:
        raise InputError(
            f"configuration data.columns has unknown tables: {', '.join(unknown_tables)}",
            fix=f"use the tables {' and '.join(TABLES)}",
        )
    if BASELINE_WEEK not in schedule:
        raise InputError(
            f"configuration outcome.schedule {list(schedule)} lacks week {BASELINE_WEEK}",
            fix=f"list every visit week in outcome.schedule, starting with {BASELINE_WEEK}",
        )
    code_map = check_code_map(codes, dictionary)
    unit_map = check_unit_map(units or {}, dictionary)
    lods = lods or {}
    baseline, baseline_source, baseline_read = ingest_table(
        baseline_path,
        "baseline",
        dictionary,
        columns.get("baseline") or {},
        code_map,
        unit_map,
        settings,
        list(lods),
    )
    visits, visits_source, visits_read = ingest_table(
        visits_path, "visits", dictionary, columns.get("visits") or {}, code_map, unit_map, settings
    )
    check_unique(baseline, [ID_COLUMN], baseline_source)
    check_unique(visits, [ID_COLUMN, WEEK_COLUMN], visits_source)
    check_schedule(visits, schedule, window_weeks, visits_source)
    check_known_patients(visits, baseline, visits_source, baseline_source)
    warnings, warned_patients = ingestion_warnings(
        {"baseline": baseline, "visits": visits},
        dictionary,
        warn_missing_fraction,
        warn_outlier_ratio,
    )
    biomarker_warnings = pd.concat(
        [
            unit_warnings({"baseline": baseline, "visits": visits}, dictionary, unit_map),
            lod_warnings(baseline, "baseline", dictionary, lods),
        ],
        ignore_index=True,
    )
    rated, dropped, dropped_patients = drop_unrated_visits(visits)
    nominal, window_warnings = nominal_visits(rated, schedule, window_weeks)
    baseline, with_baseline, baseline_warnings = merge_baseline_hamd(baseline, nominal)
    visits_out = with_baseline.astype({WEEK_COLUMN: "int64"}).sort_values(
        [ID_COLUMN, WEEK_COLUMN], kind="stable"
    )
    return IngestedCohort(
        baseline=baseline.reset_index(drop=True),
        visits=visits_out.reset_index(drop=True),
        warnings=pd.concat(
            [
                warnings_frame(baseline_read + visits_read),
                warnings,
                biomarker_warnings,
                dropped,
                window_warnings,
                baseline_warnings,
            ],
            ignore_index=True,
        ),
        warnings_by_patient=patient_warnings_frame([warned_patients, dropped_patients]),
    )
