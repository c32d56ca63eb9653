"""Read a user's baseline and visits tables, map them onto the data dictionary and validate them.

Files: .csv (comma) or .tsv (tab), optionally gzip-compressed (.csv.gz, .tsv.gz), UTF-8 (a
byte-order mark is fine). Every cell is read as text and stripped; an empty cell or one of
NA, N/A, #N/A, NaN, null, . (any case) is a missing value. Blank lines are ignored.

Headers: config data.columns.<table> maps {our name: their header}; unmapped columns are looked up
under our name. Columns the dictionary does not know are dropped (logged). Optional dictionary
columns may be absent; they are then absent from the result too (logged).

Units: config data.units ({our column: your unit}) converts a biomarker exported in another
concentration unit to the dictionary's (e.g. BDNF in pg/mL to ng/mL) as it is read.

Missing values are allowed everywhere except patient_id and week; a visit row without a HAMD
rating is dropped (with a warning). Anything that breaks the contract raises an InputError.
"""

import difflib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from interplay.convert import TableSource, code_key, code_table, convert_column, normalise_ids
from interplay.dictionary import TABLES, allowed_codes, table_spec
from interplay.errors import InputError
from interplay.units import is_concentration, unit_shift
from interplay.validate import (
    BASELINE_WEEK,
    ID_COLUMN,
    WEEK_COLUMN,
    check_baseline_hamd,
    check_known_patients,
    check_schedule,
    check_unique,
    drop_unrated_visits,
    ingestion_warnings,
    lod_warnings,
    unit_warnings,
)

log = logging.getLogger(__name__)

SEPARATORS = {".csv": ",", ".tsv": "\t"}
MISSING_TOKENS = ("", "na", "n/a", "#n/a", "nan", "null", ".")
ColumnMap = Mapping[str, Mapping[str, str] | None]
CodeMap = Mapping[str, Mapping[object, object] | None]
UnitMap = Mapping[str, str]


@dataclass(frozen=True)
class IngestedCohort:
    """The validated input tables, in our names, codes and types, and the warnings raised."""

    baseline: pd.DataFrame
    visits: pd.DataFrame
    warnings: pd.DataFrame


def separator_for(path: Path) -> str:
    """The field separator implied by the file name (.csv, .tsv, optionally .gz)."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if not suffixes or suffixes[-1] not in SEPARATORS:
        raise InputError(
            "the file type is not supported",
            file=str(path),
            fix="save the table as .csv (comma-separated) or .tsv (tab-separated), optionally "
            "gzip-compressed as .csv.gz or .tsv.gz (from Excel: Save As > CSV UTF-8)",
        )
    return SEPARATORS[suffixes[-1]]


def read_cells(path: Path) -> pd.DataFrame:
    """Read every line of a delimited file as stripped text, indexed by file line number."""
    if not path.is_file():
        raise InputError(
            "the file does not exist",
            file=str(path),
            fix="check the path in config data.baseline / data.visits (a relative path starts "
            "at the directory snakemake runs in)",
        )
    try:
        cells = pd.read_csv(
            path,
            sep=separator_for(path),
            header=None,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
        )
    except pd.errors.EmptyDataError:
        raise InputError(
            "the file is empty",
            file=str(path),
            fix="export the table again, with header and data",
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            "the file is not UTF-8 text",
            file=str(path),
            fix="save the table with UTF-8 encoding (from Excel: Save As > CSV UTF-8)",
        ) from None
    except (pd.errors.ParserError, ValueError, OSError, EOFError) as error:
        raise InputError(
            f"the file could not be read as a table ({error})",
            file=str(path),
            fix="check that every row has as many fields as the header and that text containing "
            "the separator is quoted; a .gz file must be gzip-compressed",
        ) from None
    cells.index = cells.index + 1
    cells = cells.apply(lambda column: column.str.strip())
    return cells[(cells != "").any(axis=1)]


def read_table(path: Path) -> pd.DataFrame:
    """Read a table as text: first non-blank line as header, missing-value tokens as NaN."""
    cells = read_cells(path)
    if len(cells) < 2:
        raise InputError(
            "the file has no data rows", file=str(path), fix="export the table again, with its data"
        )
    body = cells.iloc[1:]
    body.columns = list(cells.iloc[0])
    if len(body.columns) == 1:
        check_single_column(str(body.columns[0]), path)
    return body.mask(body.apply(lambda column: column.str.lower().isin(MISSING_TOKENS)))


def check_single_column(header: str, path: Path) -> None:
    """Catch a file read with the wrong separator (one column whose header holds another one)."""
    for name, separator in (("semicolons", ";"), ("tabs", "\t"), ("commas", ",")):
        if separator in header:
            raise InputError(
                f"the file seems to be separated by {name}, not by what its extension says",
                file=str(path),
                fix="save comma-separated data as .csv and tab-separated data as .tsv",
            )


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


def ingest_table(
    path: str | Path,
    table: str,
    dictionary: pd.DataFrame,
    columns: Mapping[str, str],
    codes: Mapping[str, dict[str, str | None]],
    units: UnitMap,
) -> tuple[pd.DataFrame, TableSource]:
    """Read one table and convert it column by column to our names, codes, types and units."""
    path = Path(path)
    spec = table_spec(dictionary, table)
    headers = check_column_map(columns, spec, table)
    source = TableSource(str(path), table, headers)
    selected = select_columns(read_table(path), spec, headers, source)
    ids = normalise_ids(selected[ID_COLUMN], source, ID_COLUMN)
    converted = [ids.rename(ID_COLUMN).to_frame()] + [
        convert_column(
            selected[column],
            ids,
            spec.loc[column],
            codes.get(column, {}),
            source,
            units.get(column),
        )
        for column in selected.columns
        if column != ID_COLUMN
    ]
    log.info("%s: %d rows, columns %s", source.file, len(selected), list(selected.columns))
    return pd.concat(converted, axis=1), source


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
    il1b_lod: float | None = None,
    units: UnitMap | None = None,
) -> IngestedCohort:
    """Read, map, convert and validate both tables; suspicious but valid data gives warnings.

    `il1b_lod` (biomarkers.il1b_lod) is compared with the limits written in below-LOD cells and
    with measured values (warnings only); `units` is config data.units.
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
    baseline, baseline_source = ingest_table(
        baseline_path, "baseline", dictionary, columns.get("baseline") or {}, code_map, unit_map
    )
    visits, visits_source = ingest_table(
        visits_path, "visits", dictionary, columns.get("visits") or {}, code_map, unit_map
    )
    check_unique(baseline, [ID_COLUMN], baseline_source)
    check_unique(visits, [ID_COLUMN, WEEK_COLUMN], visits_source)
    check_schedule(visits, schedule, visits_source)
    check_known_patients(visits, baseline, visits_source, baseline_source)
    warnings = ingestion_warnings(
        {"baseline": baseline, "visits": visits},
        dictionary,
        warn_missing_fraction,
        warn_outlier_ratio,
    )
    biomarker_warnings = pd.concat(
        [
            unit_warnings({"baseline": baseline, "visits": visits}, dictionary, unit_map),
            lod_warnings(baseline, "baseline", dictionary, il1b_lod),
        ],
        ignore_index=True,
    )
    rated, dropped = drop_unrated_visits(visits)
    check_baseline_hamd(baseline, rated, visits_source)
    visits_out = rated.astype({WEEK_COLUMN: "int64"}).sort_values(
        [ID_COLUMN, WEEK_COLUMN], kind="stable"
    )
    return IngestedCohort(
        baseline=baseline.reset_index(drop=True),
        visits=visits_out.reset_index(drop=True),
        warnings=pd.concat([warnings, biomarker_warnings, dropped], ignore_index=True),
    )
