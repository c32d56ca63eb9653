"""Reading and writing the workflow's intermediate and result tables, byte-stably.

Every table the workflow reads back was written by write_table, so a file that is not whole (a
gzip stream cut off, a last line without its newline, a parser error) was damaged after writing —
by a full disk, an interrupted copy or a crash — and is refused rather than read as if whole.

Tables are written as R's `read.delim` / `read.csv` read them: logical columns as TRUE/FALSE and
missing values (text or numbers) as NA, so R gives logicals and NAs, not text and empty strings.
"""

import contextlib
import gzip
import io
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from interplay.errors import InputError

# Fixed float formatting keeps result tables byte-identical across runs and platforms.
FLOAT_FORMAT = "%.10g"
# R's spelling of logicals and missing values; pandas reads both back (TRUE/FALSE as bool).
LOGICAL_TEXT = {True: "TRUE", False: "FALSE"}
MISSING_TEXT = "NA"
# The stratum column of the result tables for rows of the whole (unstratified) sample.
WHOLE_SAMPLE = "all"
TRUTH_TYPES = [bool, np.bool_]
# gzip's own default level, which every .gz table had before levels could be chosen.
GZIP_LEVEL = 9


def separator_for(path: str | Path) -> str:
    """Tab for .tsv files (compressed or not), comma otherwise."""
    suffixes = Path(path).suffixes
    return "\t" if ".tsv" in suffixes else ","


def is_logical(values: pd.Series) -> bool:
    """Whether a column holds truth values only (bool dtype, or True/False with gaps)."""
    if pd.api.types.is_bool_dtype(values):
        return True
    present = values.dropna()
    return values.dtype == object and len(present) > 0 and present.map(type).isin(TRUTH_TYPES).all()


def for_r(values: pd.Series) -> pd.Series:
    """A column as R reads it back: truth values as TRUE/FALSE, empty text as missing."""
    if is_logical(values):
        return values.map(LOGICAL_TEXT)
    if pd.api.types.is_string_dtype(values) or values.dtype == object:
        return values.mask(values.eq(""))
    return values


def with_r_spelling(table: pd.DataFrame) -> pd.DataFrame:
    """The table with logical columns as TRUE/FALSE text and empty text cells missing."""
    written = table.copy()
    for position in range(table.shape[1]):
        written.isetitem(position, for_r(table.iloc[:, position]))
    return written


def write_table(table: pd.DataFrame, path: str | Path, gzip_level: int = GZIP_LEVEL) -> None:
    """Write a table without its index, choosing the separator from the file name (R's logicals
    and NA); a .gz file at gzip_level."""
    write_table_parts([table], path, gzip_level)


def write_table_parts(
    parts: Iterable[pd.DataFrame], path: str | Path, gzip_level: int = GZIP_LEVEL
) -> None:
    """Write parts with the same columns as one table (write_table of their concatenation, byte
    for byte), each part as it comes, so only one is held at a time."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        binary = stack.enter_context(Path(path).open("wb"))
        if str(path).endswith(".gz"):
            # As pandas' to_csv(compression="gzip") opens it: the name in the header, mtime 0.
            binary = stack.enter_context(
                gzip.GzipFile(str(path), "wb", gzip_level, fileobj=binary, mtime=0)
            )
        text = stack.enter_context(io.TextIOWrapper(binary, encoding="utf-8", newline=""))
        for number, part in enumerate(parts):
            with_r_spelling(part).to_csv(
                text,
                sep=separator_for(path),
                index=False,
                header=number == 0,
                float_format=FLOAT_FORMAT,
                na_rep=MISSING_TEXT,
                lineterminator="\n",
            )


def damaged(path: str | Path, what: str) -> InputError:
    """The error for an intermediate file that is not what the workflow wrote."""
    return InputError(
        f"intermediate {path} is damaged ({what})",
        file=str(path),
        fix=f"delete it and rerun, or run `snakemake --cores 1 --forcerun {path}`; "
        "both re-create it and everything computed from it",
    )


def table_text(path: str | Path) -> str:
    """The text of a table file, decompressed, or a 'damaged' error when it is not whole."""
    raw = Path(path).read_bytes()
    if str(path).endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            raise damaged(path, f"its gzip data are cut off or corrupt: {error}") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise damaged(path, f"byte {error.start} is not UTF-8 text") from error
    if not text:
        raise damaged(path, "it is empty")
    if "\x00" in text:
        raise damaged(path, "it holds NUL bytes where a crash left it unwritten")
    if not text.endswith("\n"):
        raise damaged(path, "its last line is incomplete")
    return text


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a table written by write_table, keeping patient IDs as text; refuse a damaged file.

    Only NA (and the empty cell of tables written before NA) is missing, as for R's read.delim:
    text such as "None" or "null" stays text.
    """
    try:
        return pd.read_csv(
            io.StringIO(table_text(path)),
            sep=separator_for(path),
            dtype={"patient_id": str},
            keep_default_na=False,
            na_values=["", MISSING_TEXT],
        )
    except pd.errors.ParserError as error:
        raise damaged(path, f"its rows do not match its header: {error}") from error
