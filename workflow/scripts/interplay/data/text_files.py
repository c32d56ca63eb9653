"""Read a delimited text export as stripped text cells: its encoding, separator and header.

Files: .csv (comma), .tsv (tab) or .txt (separator from the header), optionally gzip-compressed
(.csv.gz, ...). Every cell is read as text and stripped; blank lines are ignored.

Encoding (config data.encoding, one for both tables or {baseline: ..., visits: ...}): `auto` reads
UTF-8 (a byte-order mark is fine; NUL bytes are not UTF-8 text but UTF-16 without its mark), UTF-16
by its byte-order mark, and otherwise takes the encoding charset-normalizer finds most likely (e.g.
CP949 for Korean Windows exports). A detected encoding other than UTF-8 is reported as a data
warning, so a wrong guess is visible. Any other value (cp949, euc-kr, latin-1, ...) is used as
given.

Separator (config data.separator): `auto` takes the one the extension implies, unless the header
does not contain it and contains exactly one other of , ; tab | (e.g. a .csv written with
semicolons by a European Excel); a detected separator is reported as a data warning.
"""

import codecs
import gzip
import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import charset_normalizer
import pandas as pd

from interplay.data.stat_files import EXPORT_SUFFIXES
from interplay.data.validate import warning_row
from interplay.errors import InputError

log = logging.getLogger(__name__)

AUTO = "auto"
EXTENSION_SEPARATORS = {".csv": ",", ".tsv": "\t", ".txt": None}
SEPARATOR_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
SEPARATOR_SPELLINGS = {"tab": "\t"}  # YAML users write tab, or "\t" in double quotes
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
UTF8 = "utf-8"
WHOLE_FILE = "whole file"  # the warnings table's column entry for what concerns no single column
ENCODING_FIX = (
    "set config data.encoding to the encoding the file was saved in, e.g. data.encoding: cp949 "
    "(Korean Windows), utf-16 (Excel 'Unicode Text') or latin-1, or one per table, e.g. "
    "data.encoding: {baseline: cp949, visits: auto}; or save it again as UTF-8 "
    "(from Excel: Save As > CSV UTF-8)"
)


@dataclass(frozen=True)
class TextSettings:
    """How text exports are read: config data.encoding, data.separator and data.decimal."""

    encoding: str | Mapping[str, str] = AUTO
    separator: str = AUTO
    decimal: str = "."

    def for_table(self, table: str) -> "TextSettings":
        """The settings for one table: data.encoding may name one encoding per table."""
        if isinstance(self.encoding, str):
            return self
        return replace(self, encoding=self.encoding.get(table) or AUTO)


@dataclass(frozen=True)
class TextFormat:
    """How one file was read, and whether each part was detected rather than configured."""

    encoding: str
    encoding_detected: bool
    separator: str
    separator_detected: bool

    def encoding_note(self) -> str:
        """For an error's fix: the encoding used when it is not UTF-8 (a wrong one garbles)."""
        if codecs.lookup(self.encoding).name == UTF8:
            return ""
        how = "detected" if self.encoding_detected else "config data.encoding"
        return (
            f"; the file was read as {self.encoding} ({how}): if that is not its encoding, set "
            "config data.encoding, also per table: data.encoding: {baseline: ..., visits: ...}"
        )


def extension_separator(path: Path) -> str | None:
    """The separator the file name implies (None for .txt); other file types are refused."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if not suffixes or suffixes[-1] not in EXTENSION_SEPARATORS:
        raise InputError(
            "the file type is not supported",
            file=str(path),
            fix="save the table as .csv (comma-separated), .tsv (tab-separated) or .txt, "
            "optionally gzip-compressed as .csv.gz, .tsv.gz or .txt.gz, or give the file as "
            f"exported by Excel, SPSS, Stata or SAS ({', '.join(EXPORT_SUFFIXES)})",
        )
    return EXTENSION_SEPARATORS[suffixes[-1]]


def require_file(path: Path) -> None:
    """Stop with a message when an input file does not exist."""
    if not path.is_file():
        raise InputError(
            "the file does not exist",
            file=str(path),
            fix="check the path in config data.baseline / data.visits (a relative path starts "
            "at the directory snakemake runs in)",
        )


def file_bytes(path: Path) -> bytes:
    """The file's content, decompressed when it ends in .gz."""
    require_file(path)
    try:
        content = path.read_bytes()
        return gzip.decompress(content) if path.suffix.lower() == ".gz" else content
    except (OSError, EOFError) as error:
        raise InputError(
            f"the file could not be decompressed ({error})",
            file=str(path),
            fix="a .gz file must be gzip-compressed: compress it again with gzip, or remove .gz "
            "from its name if it is plain text",
        ) from None


def decode_as(content: bytes, encoding: str, path: Path) -> str:
    """Decode with the given encoding; a byte that does not fit is an error naming its line."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(
            f"configuration data.encoding '{encoding}' is not an encoding Python knows",
            fix="use auto, or a name such as utf-8, utf-16, cp949, euc-kr, latin-1 or cp1252",
        ) from None
    try:
        return content.decode("utf-8-sig" if name == UTF8 else name)
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise InputError(
            f"the file is not {encoding} text: the bytes on line {line} do not decode as "
            f"{encoding}",
            file=str(path),
            fix=ENCODING_FIX,
        ) from None


def detected_encoding(content: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM, no NUL), UTF-16 by its BOM, else charset-normalizer's guess."""
    if content.startswith(UTF16_BOMS):
        return "utf-16"
    try:
        content.decode(UTF8)
        if b"\x00" not in content:
            return UTF8
    except UnicodeDecodeError:
        pass
    guess = charset_normalizer.from_bytes(content).best()
    if guess is None:
        raise InputError(
            "the file is not UTF-8 text, and its encoding could not be recognised",
            file=str(path),
            fix=ENCODING_FIX,
        )
    return guess.encoding


def header_line(text: str) -> str:
    """The first non-blank line of the text."""
    return next((line for line in text.splitlines() if line.strip()), "")


def chosen_separator(header: str, configured: str, path: Path) -> tuple[str, bool]:
    """The configured separator, or the extension's unless the header shows another one."""
    if configured != AUTO:
        return SEPARATOR_SPELLINGS.get(configured, configured), False
    expected = extension_separator(path)
    if expected is not None and expected in header:
        return expected, False
    found = [separator for separator in SEPARATOR_NAMES if separator in header]
    if len(found) == 1:
        return found[0], True
    if expected is not None:
        return expected, False
    raise InputError(
        "the separator of this .txt file could not be told from its header "
        f"({'none' if not found else ' and '.join(SEPARATOR_NAMES[s] for s in found)} found)",
        file=str(path),
        fix="set config data.separator to the character between the fields, e.g. "
        "data.separator: tab (or ',' or ';')",
    )


def separator_setting(separator: str) -> str:
    """How a separator is written in config data.separator."""
    return "tab" if separator == "\t" else f"'{separator}'"


def check_single_column(header: str, separator: str, path: Path) -> None:
    """Catch a file read with the wrong separator (one column whose header holds another one)."""
    for other, name in SEPARATOR_NAMES.items():
        if other != separator and other in header:
            raise InputError(
                f"the file seems to be separated by {name}, not by "
                f"{SEPARATOR_NAMES.get(separator, repr(separator))}",
                file=str(path),
                fix=f"set config data.separator: {separator_setting(other)} (or auto), or save "
                "comma-separated data as .csv and tab-separated data as .tsv",
            )


def read_text_cells(path: Path, settings: TextSettings) -> tuple[pd.DataFrame, TextFormat]:
    """Every non-blank line of a delimited file as stripped text, indexed by file line number."""
    extension_separator(path)
    content = file_bytes(path)
    detected = settings.encoding == AUTO
    encoding = detected_encoding(content, path) if detected else settings.encoding
    text = decode_as(content, encoding, path)
    separator, separator_detected = chosen_separator(header_line(text), settings.separator, path)
    text_format = TextFormat(encoding, detected, separator, separator_detected)
    log.info(
        "%s: read as %s (%s), fields separated by %s (%s)",
        path,
        encoding,
        "detected" if detected else "config data.encoding",
        SEPARATOR_NAMES.get(separator, repr(separator)),
        "detected from the header" if separator_detected else "configured or from the extension",
    )
    try:
        cells = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=None,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
        )
    except pd.errors.EmptyDataError:
        raise InputError(
            "the file is empty",
            file=str(path),
            fix="export the table again, with header and data",
        ) from None
    except (pd.errors.ParserError, ValueError) as error:
        raise InputError(
            f"the file could not be read as a table ({error})",
            file=str(path),
            fix="check that every row has as many fields as the header and that text containing "
            "the separator is quoted",
        ) from None
    cells.index = cells.index + 1
    cells = cells.apply(lambda column: column.str.strip())
    cells = cells[(cells != "").any(axis=1)]
    if cells.shape[1] == 1 and len(cells):
        check_single_column(str(cells.iloc[0, 0]), separator, path)
    return cells, text_format


def format_warnings(text_format: TextFormat, table: str, n_rows: int) -> list[dict]:
    """Data warnings for a detected encoding other than UTF-8 and a detected separator."""
    rows = []
    if text_format.encoding_detected and codecs.lookup(text_format.encoding).name != UTF8:
        message = (
            f"the {table} file was read as {text_format.encoding} (detected, not UTF-8); if "
            "its text looks wrong, set config data.encoding to the file's encoding (e.g. cp949 for "
            "a Korean Windows export)"
        )
        rows.append(warning_row(table, WHOLE_FILE, "encoding_detected", n_rows, message))
    if text_format.separator_detected:
        name = SEPARATOR_NAMES[text_format.separator]
        message = (
            f"the {table} file was read as separated by {name} (detected from its header); "
            f"config data.separator: {separator_setting(text_format.separator)} makes this explicit"
        )
        rows.append(warning_row(table, WHOLE_FILE, "separator_detected", n_rows, message))
    return rows
