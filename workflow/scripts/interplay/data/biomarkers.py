"""Biomarker handling: below-LOD substitution, log outliers, codings and their cut-points."""

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from interplay.errors import InputError
from interplay.pair import ROLES, Pair, Variable, high_column, scaled_column, tertile_column

# Divisor of the LOD for each substitution rule (Hornung & Reed 1990 for LOD/√2); None: exclude.
LOD_DIVISORS: dict[str, float | None] = {
    "lod_sqrt2": math.sqrt(2),
    "lod_half": 2.0,
    "exclude": None,
}
UNITS = {"il1b": "pg/mL", "bdnf": "ng/mL"}
NAMES = {"il1b": "IL-1β", "bdnf": "BDNF"}
CUTPOINT_COLUMNS = ["biomarker", "coding", "cut", "value", "unit", "lod", "n_patients"]
CODING_COLUMNS = [
    *ROLES,
    *(scaled_column(role) for role in ROLES),
    *(high_column(role) for role in ROLES),
    *(tertile_column(role) for role in ROLES),
]


def lod_divisor(settings: Mapping[str, Any]) -> float | None:
    """The divisor of the LOD that gives a below-LOD IL-1β's value; None when they are excluded."""
    rule = settings["below_lod"]
    if rule not in LOD_DIVISORS:
        raise InputError(
            f"unknown pair.below_lod '{rule}'",
            file="config.yaml",
            column="pair.below_lod",
            fix=f"use one of: {', '.join(LOD_DIVISORS)}",
        )
    return LOD_DIVISORS[rule]


def substitute_below_lod(data: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Give each below-LOD IL-1β its limit in il1b_lod and the substitute from it in il1b.

    The limit written in the cell (il1b_lod from ingestion) is that patient's limit; a cell
    written <LOD (il1b_lod missing) gets pair.exposure.lod. il1b becomes limit / √2 or / 2, or
    stays NaN under `exclude`; il1b_lod is NaN for measured values.
    """
    divisor = lod_divisor(settings)
    below = data["il1b_below_lod"] == 1
    out = data.copy()
    out["il1b_lod"] = data["il1b_lod"].fillna(float(settings["exposure"]["lod"])).where(below)
    if divisor is not None:
        out.loc[below, "il1b"] = out.loc[below, "il1b_lod"] / divisor
    return out


def has_both_biomarkers(data: pd.DataFrame) -> pd.Series:
    """True where IL-1β was measured (a value, or below the LOD) and BDNF has a value."""
    il1b_measured = data["il1b"].notna() | (data["il1b_below_lod"] == 1)
    return il1b_measured & data["bdnf"].notna()


def require_varying_biomarkers(data: pd.DataFrame) -> None:
    """Raise an InputError when a biomarker has one value across the analytic sample."""
    for biomarker, unit in UNITS.items():
        values = data[biomarker].dropna().unique()
        if len(values) == 1:
            below_lod = biomarker == "il1b" and bool((data["il1b_below_lod"] == 1).all())
            cause = " (every value is below the limit of detection)" if below_lod else ""
            raise InputError(
                f"{NAMES[biomarker]} does not vary: all {len(data)} patients of the analytic "
                f"sample have {biomarker} = {values[0]:g} {unit}{cause}",
                file="baseline",
                column=biomarker,
                fix=f"check that the {biomarker} column holds each patient's own measurement "
                "(not a constant, a placeholder or a mis-mapped column); a biomarker that does "
                "not vary cannot predict remission",
            )


def zscore(values: pd.Series) -> pd.Series:
    """(x - mean) / SD with the sample SD (ddof 1), NaN kept."""
    return (values - values.mean()) / values.std(ddof=1)


def log_outliers(data: pd.DataFrame, limit: float) -> pd.Series:
    """True where |z| of log IL-1β or log BDNF, in the sample given, exceeds `limit` (one pass)."""
    z_il1b = zscore(np.log(data["il1b"])).abs()
    z_bdnf = zscore(np.log(data["bdnf"])).abs()
    return (z_il1b > limit) | (z_bdnf > limit)


def tertile_cuts(values: pd.Series) -> tuple[float, float]:
    """The 1/3 and 2/3 sample quantiles (linear interpolation, R's quantile type 7)."""
    first, second = values.quantile([1 / 3, 2 / 3])
    return float(first), float(second)


def median_split(values: pd.Series) -> pd.Series:
    """1 where strictly above the sample median, 0 at or below it (Int64, <NA> where missing)."""
    return (values > values.median()).astype("Int64").where(values.notna())


def tertile(values: pd.Series) -> pd.Series:
    """Tertile 1, 2, 3 with intervals (-inf, t1], (t1, t2], (t2, inf) (Int64, <NA> if missing)."""
    first, second = tertile_cuts(values)
    group = 1 + (values > first).astype(int) + (values > second).astype(int)
    return group.astype("Int64").where(values.notna())


def two_groups(values: pd.Series, variable: Variable) -> pd.Series:
    """The variable's split: 1 high, 0 low (Int64, <NA> where missing)."""
    if variable.split == "median":
        return median_split(values)
    if variable.split == "threshold":
        high = (
            values >= variable.threshold
            if variable.high_if == "at_or_above"
            else values > variable.threshold
        )
        return high.astype("Int64").where(values.notna())
    return values.astype("Int64")


def transformed(values: pd.Series, variable: Variable) -> pd.Series:
    """The variable on its continuous-model scale: log2, per sample SD, or as it is."""
    if variable.transform == "log2":
        return np.log2(values)
    if variable.transform == "per_sd":
        return zscore(values)
    return values.astype(float)


def add_codings(data: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """Add the pair's value columns and their scaled, two-group and tertile codings."""
    out = data.copy()
    for variable in pair:
        out[variable.role] = out[variable.column]
    for variable in pair:
        out[scaled_column(variable.role)] = transformed(out[variable.role], variable)
    for variable in pair:
        out[high_column(variable.role)] = two_groups(out[variable.role], variable)
        out[tertile_column(variable.role)] = tertile(out[variable.role])
    return out[[*data.columns, *CODING_COLUMNS]]


def cutpoints(data: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Cut-points of every coding in the analytic sample (STROBE 16b) plus the LOD handling.

    Columns: biomarker, coding (below_lod | median | tertiles | continuous), cut (lod, substitute,
    median, tertile_1, tertile_2, mean, sd), value, unit, lod and n_patients. Every distinct limit
    of the sample's below-LOD patients gets a `lod` row and (except under below_lod: exclude) a
    `substitute` row, both with that limit in `lod` and its patients in `n_patients`; without
    such patients the configured limit is listed with 0 patients. `continuous` lists the BDNF mean
    and SD behind modifier_scaled.
    """
    divisor = lod_divisor(settings)
    limits = data.loc[data["il1b_below_lod"] == 1, "il1b_lod"].value_counts().sort_index()
    if limits.empty:
        limits = pd.Series({float(settings["exposure"]["lod"]): 0})
    rows = []
    for limit, patients in limits.items():
        rows.append(("il1b", "below_lod", "lod", float(limit), float(limit), int(patients)))
        if divisor is not None:
            rows.append(
                ("il1b", "below_lod", "substitute", limit / divisor, float(limit), int(patients))
            )
    for biomarker in UNITS:
        values = data[biomarker].dropna()
        first, second = tertile_cuts(values)
        rows += [
            (biomarker, "median", "median", float(values.median()), None, None),
            (biomarker, "tertiles", "tertile_1", first, None, None),
            (biomarker, "tertiles", "tertile_2", second, None, None),
        ]
    bdnf = data["bdnf"].dropna()
    rows += [
        ("bdnf", "continuous", "mean", float(bdnf.mean()), None, None),
        ("bdnf", "continuous", "sd", float(bdnf.std(ddof=1)), None, None),
    ]
    table = pd.DataFrame(rows, columns=["biomarker", "coding", "cut", "value", "lod", "n_patients"])
    table["unit"] = table["biomarker"].map(UNITS)
    return table.astype({"lod": float, "n_patients": "Int64"})[CUTPOINT_COLUMNS]
