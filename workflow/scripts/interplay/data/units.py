"""Concentration units: converting a column to the dictionary's unit and guessing a wrong one.

A unit is mass per volume; each is a power of ten of g/L, so converting moves the decimal point and
is exact for every value written with finitely many decimals. Spellings are compared ignoring case,
and µ, μ and u all mean micro (µg/L = ug/L).
"""

from decimal import Decimal

import numpy as np
import pandas as pd

from interplay.errors import InputError

# Power of ten of g/L for each unit, under its usual spelling.
CONCENTRATION_UNITS = {
    "fg/mL": -12,
    "pg/mL": -9,
    "ng/mL": -6,
    "µg/mL": -3,
    "mg/mL": 0,
    "pg/L": -12,
    "ng/L": -9,
    "µg/L": -6,
    "mg/L": -3,
    "g/L": 0,
}


def unit_key(unit: str) -> str:
    """A unit's spelling for comparison: lower case, micro written as u, no spaces."""
    return str(unit).strip().replace(" ", "").replace("µ", "u").replace("μ", "u").lower()


UNIT_EXPONENTS = {unit_key(unit): exponent for unit, exponent in CONCENTRATION_UNITS.items()}


def is_concentration(unit: str) -> bool:
    """True for a unit this module can convert (e.g. pg/mL, ng/L, µg/L)."""
    return unit_key(unit) in UNIT_EXPONENTS


def unit_shift(data_unit: str, dictionary_unit: str) -> int:
    """The power of ten that turns a value in data_unit into dictionary_unit (pg/mL → ng/mL: -3)."""
    if not is_concentration(data_unit):
        raise InputError(
            f"configuration data.units names the unknown unit '{data_unit}'",
            fix=f"write one of: {', '.join(CONCENTRATION_UNITS)}",
        )
    return UNIT_EXPONENTS[unit_key(data_unit)] - UNIT_EXPONENTS[unit_key(dictionary_unit)]


def shift_decimal(values: pd.Series, shift: int) -> pd.Series:
    """Multiply by 10**shift by moving the decimal point, so 21970 pg/mL becomes exactly 21.97."""
    if shift == 0:
        return values
    return values.map(
        lambda value: float(Decimal(repr(float(value))).scaleb(shift)), na_action="ignore"
    )


def factor_text(shift: int) -> str:
    """10**|shift| written for a reader: 1,000."""
    return f"{10 ** abs(shift):,}"


def likely_unit(
    median: float, read_unit: str, dictionary_unit: str, low: float, high: float
) -> tuple[list[str], int] | None:
    """The units (of one size) the data seem to be in, and their shift to the dictionary's unit.

    `median` is as written in the file, read in `read_unit`. The unit size that brings it nearest
    the middle of [low, high] on the log scale, e.g. (["pg/mL", "ng/L"], -3) for a BDNF median
    of 21,970; None when that is the unit the file is read in (then single values are wrong).
    """
    middle = (np.log10(low) + np.log10(high)) / 2
    target = UNIT_EXPONENTS[unit_key(dictionary_unit)]
    distances = {
        exponent: abs(np.log10(median) + exponent - target - middle)
        for exponent in set(CONCENTRATION_UNITS.values())
        if low <= median * 10.0 ** (exponent - target) <= high
    }
    if not distances:
        return None
    best = min(distances, key=distances.__getitem__)
    if best == UNIT_EXPONENTS[unit_key(read_unit)]:
        return None
    names = [unit for unit, exponent in CONCENTRATION_UNITS.items() if exponent == best]
    return names, best - target
