"""Turn a user's text cells into our codes and types, naming every value that does not fit.

Codes (config data.codes, {our column: {their code: our code}}) are compared as text after
stripping, case-insensitively, with whole numbers written without decimals, so 1, "1", " 1 " and
"1.0" are one code. YAML reads unquoted yes/no/true/false/on/off keys as booleans; such a key
matches any of those spellings. Mapping a code to null makes it a missing value (e.g. -9: null).
Codes apply to every column type except the identifier, before the value is parsed.

A biomarker cell below the limit of detection is `<` followed by a number or by LOD, with optional
space: `<0.10`, `< 0.1`, `<LOD`. It becomes NaN in the value column, 1 in `<column>_below_lod` and
its limit in `<column>_lod`. The rule: the limit written in a cell is the truth for that cell, so
`<0.10` is below a limit of 0.10 whatever pair.exposure.lod says, and its substitute is derived
from 0.10; `<LOD` names no number, so `<column>_lod` stays NaN and the configured limit applies.
Other lab notations (ND, BLOD) can be mapped to `<LOD` in data.codes; they are not accepted as they
are because "ND" also means "not done".

Numbers are written with a decimal point, or with a decimal comma under config data.decimal: ','
(22,5 and <0,10); a decimal point is then an error, since 1.234 may mean 1234 in such a file.
Patient IDs stay text; with data.ids.strip_leading_zeros, an all-digit ID loses its leading zeros.

A biomarker exported in another unit than the dictionary's is converted when config data.units
names its unit (values and written limits alike); without that, values outside the dictionary's
plausible range stop the run, naming the unit the data seem to be in.
"""

import json
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from interplay.columns import BIOMARKERS
from interplay.data.dictionary import allowed_codes, plausible_text, range_text
from interplay.data.units import (
    CONCENTRATION_UNITS,
    factor_text,
    likely_unit,
    shift_decimal,
    unit_shift,
)
from interplay.errors import InputError

Codes = Mapping[str, str | None]

YAML_BOOLEAN_SPELLINGS = {True: ("true", "yes", "on"), False: ("false", "no", "off")}
BELOW_LOD = re.compile(r"^<\s*(lod|\d*\.?\d+(e[-+]?\d+)?)$", re.IGNORECASE)
FLOAT_WRITTEN_INTEGER_ID = re.compile(r"^(\d+)\.0+$")
LEADING_ZEROS = re.compile(r"^0+(?=\d+$)")
DECIMAL_COMMA_NUMBER = re.compile(r"^(<\s*)?[-+]?\d*,\d+$")
BELOW_LOD_SUFFIX = "_below_lod"
LOD_SUFFIX = "_lod"
PLAIN_YAML_TEXT = re.compile(r"[\w<>.+-][\w <>.+/-]*")
MAX_SHOWN_VALUES = 5


@dataclass(frozen=True)
class TableSource:
    """Where a table came from: its file, its name and the user's header for each of our columns."""

    file: str
    table: str
    headers: Mapping[str, str]
    decimal: str = "."

    def label(self, column: str) -> str:
        """Name a column as the user knows it, with our name when the two differ."""
        header = self.headers.get(column, column)
        return column if header == column else f"{header} (our {column})"


def code_key(value: object) -> str:
    """Normalise a code for comparison: stripped, lower-case, whole numbers without decimals."""
    text = str(value).strip().lower()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if math.isfinite(number) and number.is_integer() else text


def code_table(mapping: Mapping[object, object]) -> dict[str, str | None]:
    """Normalise a user's {their code: our code} mapping; None (YAML null) means missing."""
    table: dict[str, str | None] = {}
    for theirs, ours in mapping.items():
        target = None if ours is None else code_key(ours)
        spellings = YAML_BOOLEAN_SPELLINGS[theirs] if isinstance(theirs, bool) else (theirs,)
        table.update({code_key(spelling): target for spelling in spellings})
    return table


def apply_codes(raw: pd.Series, codes: Codes) -> pd.Series:
    """Replace every value whose code is in the user's mapping by our code."""
    if not codes:
        return raw
    keys = raw.map(code_key, na_action="ignore")
    recoded = keys.map(lambda key: codes.get(key, key), na_action="ignore")
    return raw.where(~keys.isin(list(codes)), recoded)


def yaml_text(text: str) -> str:
    """Text as it must be written in config.yaml to be read back: quoted if YAML would split it."""
    return text if PLAIN_YAML_TEXT.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def shown_values(values: pd.Series) -> str:
    """Quote up to five distinct offending values for an error message."""
    distinct = list(dict.fromkeys(values.astype(str)))
    more = (
        f" (and {len(distinct) - MAX_SHOWN_VALUES} more)"
        if len(distinct) > MAX_SHOWN_VALUES
        else ""
    )
    return ", ".join(f"'{value}'" for value in distinct[:MAX_SHOWN_VALUES]) + more


def raise_for_rows(
    bad: pd.Series,
    raw: pd.Series,
    ids: pd.Series,
    problem: str,
    column: str,
    source: TableSource,
    fix: str,
) -> None:
    """Raise an InputError naming the rows flagged in `bad`, with their values and patient IDs."""
    if not bad.any():
        return
    raise InputError(
        f"{int(bad.sum())} value(s) {problem}: {shown_values(raw[bad])}",
        file=source.file,
        column=source.label(column),
        ids=list(dict.fromkeys(ids[bad])),
        fix=fix,
    )


def missing_code_hint(column: str) -> str:
    """The config snippet that turns a missing-value code into a missing value."""
    snippet = f"data.codes: {{{column}: {{-9: null}}}}"
    return f"if it is a missing-value code such as -9, map it to null: {snippet}"


def biomarker_code_hint(column: str, code: str) -> str:
    """The two meanings a lab code such as ND can have in a biomarker column, with each config."""
    return (
        f"if '{code}' means below the limit of detection, map it to below-LOD text and the patient "
        f'is kept with the below-LOD substitute: data.codes: {{{column}: {{"{code}": "<LOD"}}}}; '
        "if it means not measured or not done, map it to null: the value is then missing and the "
        "patient leaves an analysis of it (flow stage with_exposure_and_modifier): "
        f'data.codes: {{{column}: {{"{code}": null}}}}'
    )


def code_hint(column: str, kind: str, offending: pd.Series) -> str:
    """The hint for unreadable values: a biomarker's code may mean below the LOD or missing."""
    if kind == "biomarker":
        return biomarker_code_hint(column, str(offending.iloc[0]))
    return missing_code_hint(column)


def without_leading_zeros(ids: pd.Series) -> pd.Series:
    """All-digit IDs without their leading zeros (0007 becomes 7, 000 becomes 0)."""
    return ids.str.replace(LEADING_ZEROS, "", regex=True)


def normalise_ids(
    raw: pd.Series, source: TableSource, column: str, strip_leading_zeros: bool = False
) -> pd.Series:
    """Require an identifier on every row; IDs written as 12.0 by spreadsheets become 12."""
    missing = raw.isna()
    if missing.any():
        lines = ", ".join(str(line) for line in raw.index[missing][:MAX_SHOWN_VALUES])
        raise InputError(
            f"{int(missing.sum())} row(s) have no patient identifier (file line(s) {lines})",
            file=source.file,
            column=source.label(column),
            fix="give every row its patient_id, or delete rows that belong to no patient",
        )
    ids = raw.str.replace(FLOAT_WRITTEN_INTEGER_ID, r"\1", regex=True).astype(str)
    return without_leading_zeros(ids) if strip_leading_zeros else ids


def parse_numbers(
    raw: pd.Series, ids: pd.Series, column: str, source: TableSource, kind: str = "number"
) -> pd.Series:
    """Parse text as finite numbers; any other text is an error naming its rows."""
    numbers = pd.to_numeric(raw, errors="coerce").astype(float)
    not_number = raw.notna() & ~np.isfinite(numbers)
    if not not_number.any():
        return numbers
    fix = (
        "write plain numbers with a decimal point (no units, no thousands separators) and leave "
        f"missing values empty or NA; {code_hint(column, kind, raw[not_number])}"
    )
    if raw[not_number].str.fullmatch(DECIMAL_COMMA_NUMBER).any():
        fix += "; if the file writes decimal commas (22,5), set config data.decimal: ','"
    raise_for_rows(not_number, raw, ids, "are not numbers", column, source, fix)
    return numbers


def check_whole(
    numbers: pd.Series, raw: pd.Series, ids: pd.Series, column: str, source: TableSource
) -> None:
    """Require whole numbers in an integer column."""
    fractional = numbers.notna() & (numbers != np.floor(numbers))
    fix = "write whole numbers (a count or step cannot have decimals)"
    raise_for_rows(fractional, raw, ids, "are not whole numbers", column, source, fix)


def check_range(
    numbers: pd.Series, raw: pd.Series, ids: pd.Series, spec: pd.Series, source: TableSource
) -> None:
    """Require values within the dictionary's [min, max]; a biomarker must exceed its min."""
    column = str(spec.name)
    low, high = spec["min"], spec["max"]
    exclusive = spec["type"] == "biomarker"
    too_low = numbers <= low if exclusive else numbers < low
    outside = (too_low | (numbers > high)) & numbers.notna()
    if not outside.any():
        return
    allowed = range_text(spec)
    unit = f" {spec['unit']}" if spec["unit"] else ""
    hint = code_hint(column, spec["type"], raw[outside])
    fix = f"correct these values (allowed: {allowed}{unit}); {hint}"
    raise_for_rows(
        outside, raw, ids, f"are outside the allowed range ({allowed}{unit})", column, source, fix
    )


def convert_codes(
    raw: pd.Series, ids: pd.Series, spec: pd.Series, source: TableSource
) -> pd.Series:
    """Match binary or category text to the dictionary's codes; unknown codes are an error."""
    column = str(spec.name)
    allowed = allowed_codes(spec)
    canonical = {code_key(code): code for code in allowed}
    matched = raw.map(code_key, na_action="ignore").map(canonical)
    unknown = raw.notna() & matched.isna()
    if unknown.any():
        theirs = list(dict.fromkeys(raw[unknown]))[:MAX_SHOWN_VALUES]
        choice = "|".join(allowed)
        example = ", ".join(f"{yaml_text(code)}: <{choice}>" for code in theirs)
        fix = (
            "map your codes to ours in the configuration, e.g. "
            f"data.codes: {{{column}: {{{example}}}}}; {missing_code_hint(column)}"
        )
        raise_for_rows(
            unknown,
            raw,
            ids,
            f"are not among the allowed codes ({', '.join(allowed)})",
            column,
            source,
            fix,
        )
    if spec["type"] == "binary":
        return matched.astype(float)
    return pd.Series(
        pd.Categorical(matched, categories=list(allowed)), index=raw.index, name=column
    )


def check_plausible(
    written: pd.Series,
    raw: pd.Series,
    ids: pd.Series,
    spec: pd.Series,
    source: TableSource,
    data_unit: str | None,
) -> None:
    """Stop at values outside the dictionary's plausible range, naming the unit they look like.

    `written` holds the numbers as in the file, in `data_unit` (data.units) or the dictionary's.
    """
    column, unit = str(spec.name), spec["unit"]
    read_unit = data_unit or unit
    low, high = spec["plausible_min"], spec["plausible_max"]
    scale = 10.0 ** unit_shift(read_unit, unit)
    outside = (written * scale < low) | (written * scale > high)
    if not outside.any():
        return
    median = float(written.median())
    read_as = f"{plausible_text(spec)} {unit}, reading the file in {read_unit}"
    read_as += " as data.units says" if data_unit else ""
    guess = likely_unit(median, read_unit, unit, low, high)
    if guess is None:
        problem = f"lie outside the plausible range of {column} ({read_as})"
        fix = (
            "correct these values (a misplaced decimal point, or a value in another unit?); if "
            f"the whole column is in another unit, name it: data.units: {{{column}: <unit>}} "
            f"({', '.join(CONCENTRATION_UNITS)})"
        )
    else:
        names, shift = guess
        likely = names[0] + (f" (= {', '.join(names[1:])})" if len(names) > 1 else "")
        expected = "the unit the data dictionary expects"
        if shift:
            relation = "larger" if shift < 0 else "smaller"
            expected = f"values {factor_text(shift)} × {relation} than in {unit}, {expected}"
        problem = (
            f"lie outside the plausible range of {column} ({read_as}); the column's median "
            f"{median:,.6g} looks like {likely}, {expected}"
        )
        fix = (
            f"the export seems to be in {unit} already: remove {column} from data.units"
            if shift == 0
            else f"if the export is in {names[0]}, say so and the values are converted to {unit} "
            f"when read: data.units: {{{column}: {names[0]}}}; otherwise export {column} in {unit}"
        )
    raise_for_rows(outside, raw, ids, problem, column, source, fix)


def refuse_below_lod(
    below_lod: pd.Series, raw: pd.Series, ids: pd.Series, column: str, source: TableSource
) -> None:
    """Stop at below-LOD text in an extra biomarker that no analysis's pair gives a `lod`."""
    if not below_lod.any():
        return
    first = str(raw[below_lod].iloc[0])
    fix = (
        f"to study {column} as a pair variable, give its limit of detection in "
        f"pair.exposure.lod (or pair.modifier.lod) with pair.exposure.column: {column}; "
        "otherwise write a value in these cells, or map each such text to null to make it a "
        f'missing value: data.codes: {{{column}: {{"{first}": null}}}}'
    )
    problem = (
        "are written as below a limit of detection, but the below-LOD rule (pair.below_lod) "
        f"applies only to a pair variable with a configured lod, and {column} is none"
    )
    raise_for_rows(below_lod, raw, ids, problem, column, source, fix)


def convert_biomarker(
    raw: pd.Series,
    ids: pd.Series,
    spec: pd.Series,
    source: TableSource,
    data_unit: str | None,
    lod_columns: Collection[str] = (),
) -> pd.DataFrame:
    """Parse a biomarker: numbers, and below-LOD text as NaN with a 0/1 flag and its limit.

    Values and limits are converted from `data_unit` (data.units; None: the dictionary's unit).
    Below-LOD text is read in the dictionary's biomarkers and in `lod_columns` (pair variables
    with a configured lod); elsewhere it is an error.
    """
    column = str(spec.name)
    shift = unit_shift(data_unit, spec["unit"]) if data_unit else 0
    below_lod = raw.str.fullmatch(BELOW_LOD).fillna(False).astype(bool)
    written = raw.where(below_lod).str.extract(BELOW_LOD, expand=False)[0]
    limits = pd.to_numeric(written, errors="coerce").astype(float)
    # The data dictionary's own biomarkers always keep their below-LOD flags (a pair variable
    # without a lod counts them as missing, with a warning); an extra one only as a pair variable.
    if column not in (*BIOMARKERS, *lod_columns):
        refuse_below_lod(below_lod, raw, ids, column, source)
    numbers = parse_numbers(raw.where(~below_lod), ids, column, source, kind="biomarker")
    check_range(numbers.fillna(limits), raw, ids, spec, source)
    check_plausible(numbers, raw, ids, spec, source, data_unit)
    numbers, limits = shift_decimal(numbers, shift), shift_decimal(limits, shift)
    return pd.DataFrame(
        {
            column: numbers,
            column + BELOW_LOD_SUFFIX: below_lod.astype("int64"),
            column + LOD_SUFFIX: limits,
        }
    )


def decimal_points(raw: pd.Series, ids: pd.Series, column: str, source: TableSource) -> pd.Series:
    """Under a decimal comma, write numbers with a point; a point there is ambiguous, an error."""
    if source.decimal == ".":
        return raw
    point = raw.str.contains(".", regex=False).fillna(False).astype(bool)
    fix = (
        "write decimals with a comma (22,5) and no thousands separators, or set "
        "data.decimal: '.' if the file writes decimal points"
    )
    problem = "have a decimal point, but config data.decimal is ','"
    raise_for_rows(point, raw, ids, problem, column, source, fix)
    return raw.str.replace(",", ".", regex=False)


def convert_column(
    raw: pd.Series,
    ids: pd.Series,
    spec: pd.Series,
    codes: Codes,
    source: TableSource,
    data_unit: str | None = None,
    lod_columns: Collection[str] = (),
) -> pd.DataFrame:
    """Convert one column to its dictionary type; biomarkers give three columns."""
    column = str(spec.name)
    recoded = apply_codes(raw, codes)
    kind = spec["type"]
    if kind in ("binary", "category"):
        return convert_codes(recoded, ids, spec, source).rename(column).to_frame()
    recoded = decimal_points(recoded, ids, column, source)
    if kind == "biomarker":
        return convert_biomarker(recoded, ids, spec, source, data_unit, lod_columns)
    numbers = parse_numbers(recoded, ids, column, source)
    if kind == "integer":
        check_whole(numbers, recoded, ids, column, source)
    check_range(numbers, recoded, ids, spec, source)
    return numbers.rename(column).to_frame()
