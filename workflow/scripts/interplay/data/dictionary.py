"""The data dictionary (resources/data_dictionary.tsv): the contract every input table must meet.

Column types:
- id: patient identifier, text; never missing.
- number: a real number within [min, max].
- integer: a whole number within [min, max].
- binary: 0 or 1.
- category: one of `levels` (separated by |); the first level is the reference in models.
- biomarker: a positive concentration, strictly above `min`; values below the limit of detection
  may be written as text such as `<0.10`.

`plausible_min` and `plausible_max` (optional bounds, in `unit`) give the range real values of a
column fall in; unlike `min`/`max` they are meant to catch a column exported in another unit, e.g.
serum BDNF in pg/mL instead of ng/mL.
"""

from pathlib import Path

import pandas as pd

from interplay.errors import InputError

TYPES = ("id", "number", "integer", "binary", "category", "biomarker")
TABLES = ("baseline", "visits")
FIELDS = (
    "table",
    "column",
    "type",
    "unit",
    "min",
    "max",
    "plausible_min",
    "plausible_max",
    "levels",
    "required",
    "description",
)
LEVEL_SEPARATOR = "|"


def load_dictionary(path: str | Path) -> pd.DataFrame:
    """Read and check the data dictionary; bounds as floats, levels as tuples, required as bool."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            "the data dictionary does not exist",
            file=str(path),
            fix="point config data.dictionary at resources/data_dictionary.tsv",
        )
    try:
        raw = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, OSError) as error:
        raise InputError(
            f"the data dictionary could not be read ({error})",
            file=str(path),
            fix="restore resources/data_dictionary.tsv as a tab-separated UTF-8 file",
        ) from None
    return parse_dictionary(raw, str(path))


def parse_dictionary(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """Convert the dictionary's text cells to typed fields, reporting any malformed entry."""
    missing = [field for field in FIELDS if field not in raw.columns]
    if missing:
        raise InputError(
            f"the data dictionary lacks the fields {', '.join(missing)}",
            file=source,
            fix=f"give the dictionary the header: {' '.join(FIELDS)} (tab-separated)",
        )
    table = raw.loc[:, list(FIELDS)].apply(lambda column: column.str.strip())
    for field, allowed in (("table", TABLES), ("type", TYPES), ("required", ("yes", "no"))):
        bad = sorted(set(table[field]) - set(allowed))
        if bad:
            raise InputError(
                f"the data dictionary has unknown {field} values: {', '.join(bad)}",
                file=source,
                column=field,
                fix=f"use one of: {', '.join(allowed)}",
            )
    duplicated = table.duplicated(["table", "column"], keep=False)
    if duplicated.any():
        names = sorted(set(table.loc[duplicated, "column"]))
        raise InputError(
            f"the data dictionary lists these columns twice: {', '.join(names)}",
            file=source,
            column="column",
            fix="keep one row per (table, column)",
        )
    return table.assign(
        min=parse_bounds(table["min"], source, "min"),
        max=parse_bounds(table["max"], source, "max"),
        plausible_min=parse_bounds(table["plausible_min"], source, "plausible_min"),
        plausible_max=parse_bounds(table["plausible_max"], source, "plausible_max"),
        levels=table["levels"].map(parse_levels),
        required=table["required"] == "yes",
    ).pipe(check_levels, source)


def parse_bounds(bounds: pd.Series, source: str, field: str) -> pd.Series:
    """Parse a min or max field: a number, or empty for no bound (NaN)."""
    parsed = pd.to_numeric(bounds.where(bounds != ""), errors="coerce").astype(float)
    bad = bounds[(bounds != "") & parsed.isna()]
    if not bad.empty:
        raise InputError(
            f"the data dictionary has non-numeric {field} values: {', '.join(bad)}",
            file=source,
            column=field,
            fix=f"write {field} as a number, or leave it empty for no bound",
        )
    return parsed


def parse_levels(levels: str) -> tuple[str, ...]:
    """Split a levels field ('female|male') into its codes, in order."""
    return tuple(level.strip() for level in levels.split(LEVEL_SEPARATOR) if level.strip())


def check_levels(dictionary: pd.DataFrame, source: str) -> pd.DataFrame:
    """Require at least two levels for every category column."""
    too_few = dictionary[(dictionary["type"] == "category") & (dictionary["levels"].map(len) < 2)]
    if not too_few.empty:
        raise InputError(
            f"category columns without levels: {', '.join(too_few['column'])}",
            file=source,
            column="levels",
            fix="list the category's codes, reference level first: separated by | in the "
            "dictionary file, as a list (levels: [a, b]) in data.extra_columns",
        )
    return dictionary


def table_spec(dictionary: pd.DataFrame, table: str) -> pd.DataFrame:
    """The dictionary rows of one table, indexed by column name."""
    return dictionary[dictionary["table"] == table].set_index("column")


def allowed_codes(spec: pd.Series) -> tuple[str, ...]:
    """The codes a binary or category column may hold."""
    return ("0", "1") if spec["type"] == "binary" else spec["levels"]


def format_bound(value: float) -> str:
    """Write a bound without a trailing .0 (18, not 18.0)."""
    return f"{value:g}"


def range_text(spec: pd.Series) -> str:
    """Describe a column's allowed values in words a reader of the README understands."""
    low, high = spec["min"], spec["max"]
    if spec["type"] in ("binary", "category"):
        return ", ".join(allowed_codes(spec))
    if spec["type"] == "biomarker" and pd.notna(low):
        return f"> {format_bound(low)}" + (f", ≤ {format_bound(high)}" if pd.notna(high) else "")
    if pd.notna(low) and pd.notna(high):
        return f"{format_bound(low)}–{format_bound(high)}"
    if pd.notna(low):
        return f"≥ {format_bound(low)}"
    if pd.notna(high):
        return f"≤ {format_bound(high)}"
    return ""


def plausible_text(spec: pd.Series) -> str:
    """Describe a column's plausible range (0.001–1000), empty when it has none."""
    low, high = spec["plausible_min"], spec["plausible_max"]
    if pd.isna(low) and pd.isna(high):
        return ""
    if pd.isna(high):
        return f"≥ {format_bound(low)}"
    if pd.isna(low):
        return f"≤ {format_bound(high)}"
    return f"{format_bound(low)}–{format_bound(high)}"


def dictionary_markdown(dictionary: pd.DataFrame) -> str:
    """Render the dictionary as a Markdown table for the README."""
    header = (
        "| table | column | type | unit | allowed values | plausible values | required "
        "| description |"
    )
    rows = [header, "|---|---|---|---|---|---|---|---|"]
    for _, spec in dictionary.iterrows():
        cells = (
            spec["table"],
            f"`{spec['column']}`",
            spec["type"],
            spec["unit"],
            range_text(spec),
            plausible_text(spec),
            "yes" if spec["required"] else "no",
            spec["description"],
        )
        rows.append("| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def column_units(dictionary: pd.DataFrame) -> dict[str, str]:
    """{column: unit} of the dictionary's columns that have a unit."""
    units = dictionary.dropna(subset=["unit"])
    return {str(c): str(u) for c, u in zip(units["column"], units["unit"], strict=True) if u}
