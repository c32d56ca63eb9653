"""Read Excel workbooks and SPSS, Stata and SAS files as the text cells a CSV file gives.

Every reader returns what `ingest.read_cells` returns for a CSV: one row per table row, the header
first, every cell stripped text ("" when empty), blank rows left out, and the index the row number
the user sees (the Excel row; for SPSS, Stata and SAS the case number, header = 0). The rest of
ingestion (headers, missing-value tokens, codes, ranges) is then the same for every format.

Numbers become the shortest text that reads back as the same number (0.1, not 0.1000000001; 12,
not 12.0). Excel keeps 15 significant digits, so a cached formula result such as
0.30000000000000004 becomes 0.3, as Excel shows it. A date cell becomes its ISO date (2024-03-01);
our columns hold no dates, so a date in one of them is reported as "not a number".

Excel (.xlsx and .xlsm with openpyxl; .xls, Excel 97-2003, with calamine): config data.sheet
picks the sheet (default: the first) and data.header_row the row with the column names (1-based, as
Excel numbers rows); rows above it are ignored. Formulas are read as the values Excel last
calculated. An error cell keeps its text, as in a CSV export: #N/A is missing, #DIV/0! is "not a
number" (calamine reads error cells of .xls files as empty).

SPSS (.sav, .zsav, .por), Stata (.dta), SAS (.sas7bdat, .xpt) (pyreadstat): user-defined missing
values (SPSS missing values and ranges, Stata .a-.z, SAS .A-.Z) are missing. With
data.value_labels (default true) a labelled code is replaced by its label, so the codes in
data.codes are the labels the file shows (e.g. {Female: female}); false keeps the stored codes
({1: male, 2: female}). SAS keeps labels in a separate catalog that is not read: its codes stay.
"""

import datetime as dt
import logging
import math
import numbers
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import python_calamine

from interplay.errors import InputError

log = logging.getLogger(__name__)

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
EXCEL_SIGNIFICANT_DIGITS = 15
ReadStat = Callable[..., tuple[pd.DataFrame, pyreadstat.metadata_container]]
STATISTICS_READERS: dict[str, tuple[str, ReadStat]] = {
    ".sav": ("SPSS", pyreadstat.read_sav),
    ".zsav": ("SPSS", pyreadstat.read_sav),
    ".por": ("SPSS portable", pyreadstat.read_por),
    ".dta": ("Stata", pyreadstat.read_dta),
    ".sas7bdat": ("SAS", pyreadstat.read_sas7bdat),
    ".xpt": ("SAS transport", pyreadstat.read_xport),
}
EXPORT_SUFFIXES = EXCEL_SUFFIXES + tuple(STATISTICS_READERS)
TEXT_HEADER_HINT = "; a text file's header must be its first non-blank line (delete lines above it)"
UNREADABLE_EXCEL = (
    zipfile.BadZipFile,
    python_calamine.CalamineError,
    KeyError,
    ValueError,
    OSError,
    EOFError,
    TypeError,
)
PerTable = str | int | None | Mapping[str, str | int | None]  # both tables, or {table: value}


@dataclass(frozen=True)
class Layout:
    """Where a table sits in its file (Excel sheet, header row) and whether labels replace codes."""

    table: str
    sheet: str | None = None
    header_row: int = 1
    value_labels: bool = True


def table_layout(table: str, sheet: PerTable, header_row: PerTable, value_labels: bool) -> Layout:
    """One table's layout from config data.sheet, data.header_row and data.value_labels."""

    def for_table(setting: PerTable, default: str | int | None) -> str | int | None:
        return setting.get(table, default) if isinstance(setting, Mapping) else setting

    return Layout(table, for_table(sheet, None), int(for_table(header_row, 1)), value_labels)


def is_export(path: Path) -> bool:
    """Whether the file is an Excel workbook or a statistics-package file (by its extension)."""
    return path.suffix.lower() in EXPORT_SUFFIXES


def cell_text(value: object, significant_digits: int | None = None) -> str:
    """One cell as stripped text: numbers in shortest exact form, dates as ISO, empty as ""."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return round_trip_text(float(value), significant_digits)
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def round_trip_text(number: float, significant_digits: int | None = None) -> str:
    """The shortest text that reads back as the number (rounded first, if digits are given)."""
    if math.isnan(number):
        return ""
    if significant_digits is not None and math.isfinite(number):
        number = float(f"{number:.{significant_digits}g}")
    if number.is_integer() and abs(number) < 2**53:
        return str(int(number))
    return repr(number)


def read_export(path: Path, layout: Layout) -> pd.DataFrame:
    """Read a workbook sheet or a statistics-package file as header-first text cells."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return read_excel_cells(path, layout)
    check_no_sheet_settings(path, layout)
    return read_statistics_cells(path, layout.value_labels)


def check_no_sheet_settings(path: Path, layout: Layout) -> None:
    """Refuse data.sheet or data.header_row for a file that has no sheets, rather than ignore it."""
    given: dict[str, str | int] = {}
    if layout.sheet is not None:
        given["sheet"] = layout.sheet
    if layout.header_row != 1:
        given["header_row"] = layout.header_row
    if not given:
        return
    key, value = next(iter(given.items()))
    names = " and ".join(f"data.{name}" for name in given)
    verb, pronoun = ("is", "it") if len(given) == 1 else ("are", "them")
    raise InputError(
        f"configuration {names} {verb} for Excel workbooks only, but the {layout.table} table "
        "is not one",
        file=str(path),
        fix=f"give {pronoun} per table, for the workbook only (e.g. data.{key}: "
        f"{{{other_table(layout.table)}: {value}}}), or remove {pronoun}"
        + ("" if is_export(path) else TEXT_HEADER_HINT),
    )


def other_table(table: str) -> str:
    """The other input table's name (to show per-table settings in a fix)."""
    return "visits" if table == "baseline" else "baseline"


def read_excel_cells(path: Path, layout: Layout) -> pd.DataFrame:
    """Read one sheet of an Excel workbook from its header row on, indexed by Excel row number."""
    try:
        sheets, sheet, rows = read_workbook(path, layout)
    except UNREADABLE_EXCEL as error:
        raise InputError(
            f"the file could not be read as an Excel workbook ({error})",
            file=str(path),
            fix="open it in Excel and save it again, without a password, as Excel Workbook (.xlsx)",
        ) from None
    width = max((len(row) for row in rows), default=0)
    padded = [[*row, *[None] * (width - len(row))] for row in rows]
    cells = pd.DataFrame(padded, index=range(1, len(rows) + 1), dtype=object)
    text = cells.map(lambda value: cell_text(value, EXCEL_SIGNIFICANT_DIGITS))
    check_header_row(text, sheet, sheets, path, layout)
    log.info("%s: sheet '%s', header in row %d", path, sheet, layout.header_row)
    from_header = text.loc[layout.header_row :]
    return from_header[(from_header != "").any(axis=1)]


def read_workbook(path: Path, layout: Layout) -> tuple[list[str], str, list[Sequence[object]]]:
    """The workbook's sheet names, the sheet to read and its cell values from row 1 on."""
    if path.suffix.lower() == ".xls":
        legacy = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = chosen_sheet(legacy.sheet_names, path, layout)
        rows = legacy.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        return legacy.sheet_names, sheet, rows
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = chosen_sheet(workbook.sheetnames, path, layout)
        worksheet = workbook[sheet]
        worksheet.reset_dimensions()  # some programs record a wrong used range
        return workbook.sheetnames, sheet, list(worksheet.iter_rows(min_row=1, values_only=True))
    finally:
        workbook.close()


def check_header_row(
    text: pd.DataFrame, sheet: str, sheets: list[str], path: Path, layout: Layout
) -> None:
    """Require column names in the header row, not an empty row or a lone title above them."""
    filled = (text != "").sum(axis=1)
    with_names = filled.index[filled > 1]
    in_header = int(filled.get(layout.header_row, 0))
    if in_header > 1 or (in_header == 1 and with_names.empty):
        return  # one cell and nothing wider: a one-column table, reported by the later checks
    if not filled.any():
        listed = ", ".join(f"'{name}'" for name in sheets)
        raise InputError(
            f"sheet '{sheet}' is empty",
            file=str(path),
            fix=f"name the sheet that holds the {layout.table} table, e.g. data.sheet: "
            f"{{{layout.table}: <sheet>}}; the workbook's sheets are: {listed}",
        )
    held = "is empty" if in_header == 0 else "holds a single cell"
    suggestion = with_names[0] if not with_names.empty else int(filled.idxmax())
    raise InputError(
        f"row {layout.header_row} of sheet '{sheet}' {held}, but the column names must be in "
        f"that row (data.header_row); row {suggestion} is the first with several cells",
        file=str(path),
        fix="set data.header_row to the row of your column names as Excel numbers it, e.g. "
        f"data.header_row: {{{layout.table}: {suggestion}}}",
    )


def chosen_sheet(sheets: list[str], path: Path, layout: Layout) -> str:
    """The configured sheet (or the first), which must exist in the workbook."""
    if layout.sheet is None:
        return sheets[0]
    if layout.sheet in sheets:
        return layout.sheet
    listed = ", ".join(f"'{sheet}'" for sheet in sheets)
    raise InputError(
        f"the workbook has no sheet '{layout.sheet}'; its sheets are: {listed}",
        file=str(path),
        fix=f"set data.sheet.{layout.table} to one of its sheets, e.g. "
        f"data.sheet: {{{layout.table}: {sheets[0]}}}",
    )


def read_statistics_cells(path: Path, value_labels: bool) -> pd.DataFrame:
    """Read an SPSS, Stata or SAS file as text cells; case numbers as index, header row 0."""
    package, reader = STATISTICS_READERS[path.suffix.lower()]
    try:
        data, meta = reader(str(path))
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError, OSError, ValueError) as error:
        raise InputError(
            f"the file could not be read as {package} data ({error})",
            file=str(path),
            fix=f"export the table again from {package} in its own format, or save it as .csv",
        ) from None
    if value_labels and meta.variable_value_labels:
        log.info("%s: value labels replace the codes of %s", path, list(meta.variable_value_labels))
        data = with_labels(data, meta.variable_value_labels)
    body = data.map(cell_text).set_axis(range(1, len(data) + 1))
    header = pd.DataFrame([list(data.columns)], columns=data.columns, index=[0])
    cells = pd.concat([header, body])
    return cells[(cells != "").any(axis=1)].set_axis(range(cells.shape[1]), axis=1)


def with_labels(data: pd.DataFrame, labels: Mapping[str, Mapping[object, str]]) -> pd.DataFrame:
    """Replace every labelled code by its value label; unlabelled values stay as they are."""
    return data.assign(
        **{
            column: data[column].map(lambda value, codes=codes: codes.get(value, value))
            for column, codes in labels.items()
            if column in data
        }
    )
