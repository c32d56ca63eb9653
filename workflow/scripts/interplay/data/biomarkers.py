"""The pair's variables: below-LOD substitution, checks, log outliers, codings and cut-points."""

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from interplay.data.convert import BELOW_LOD_SUFFIX, LOD_SUFFIX
from interplay.errors import InputError
from interplay.pair import (
    ROLES,
    Pair,
    Variable,
    high_column,
    pair_from_settings,
    scaled_column,
    tertile_column,
)

# Divisor of the LOD for each substitution rule (Hornung & Reed 1990 for LOD/√2); None: exclude.
LOD_DIVISORS: dict[str, float | None] = {
    "lod_sqrt2": math.sqrt(2),
    "lod_half": 2.0,
    "exclude": None,
}
CUTPOINT_COLUMNS = ["role", "column", "coding", "cut", "value", "unit", "lod", "n_patients"]
CODING_COLUMNS = [
    *ROLES,
    *(scaled_column(role) for role in ROLES),
    *(high_column(role) for role in ROLES),
    *(tertile_column(role) for role in ROLES),
]


def lod_columns(column: str) -> tuple[str, str]:
    """The below-LOD flag and limit columns ingestion writes for a biomarker column."""
    return f"{column}{BELOW_LOD_SUFFIX}", f"{column}{LOD_SUFFIX}"


def value_columns(pair: Pair) -> list[str]:
    """The pair's dataset columns, each followed by its LOD columns when it has a limit."""
    columns: list[str] = []
    for variable in pair:
        columns += [variable.column, *(lod_columns(variable.column) if variable.is_assay else ())]
    return columns


def assay_limits(pair_settings: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """{column: {lod, setting}} of each pair variable with a limit of detection in these pair
    sections (the analyses run, primary first); ingestion reads and checks their below-LOD text.
    A column with limits in several analyses is checked against the first."""
    limits: dict[str, dict[str, Any]] = {}
    for section in pair_settings:
        for role in ROLES:
            entry = section[role]
            if entry.get("lod") is not None:
                limit = {"lod": float(entry["lod"]), "setting": f"pair.{role}.lod"}
                limits.setdefault(entry["column"], limit)
    return limits


def lod_divisor(settings: Mapping[str, Any]) -> float | None:
    """The divisor of the LOD that gives a below-LOD value; None when those patients leave."""
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
    """Give each below-LOD value of a pair variable with a `lod` its limit and substitute.

    For a column x, the limit written in the cell (x_lod from ingestion) is that patient's
    limit; a cell written <LOD (x_lod missing) gets pair.<role>.lod. x becomes limit / √2 or / 2,
    or stays NaN under `exclude`; x_lod is NaN for measured values.
    """
    divisor = lod_divisor(settings)
    out = data.copy()
    for variable in pair_from_settings(settings):
        if not variable.is_assay:
            continue
        flag, limit = lod_columns(variable.column)
        below = data[flag] == 1
        out[limit] = data[limit].fillna(float(variable.lod)).where(below)
        if divisor is not None:
            out.loc[below, variable.column] = out.loc[below, limit] / divisor
    return out


def below_lod(data: pd.DataFrame, variable: Variable) -> pd.Series:
    """True where a variable with a limit of detection was below it (all False without one)."""
    if not variable.is_assay:
        return pd.Series(False, index=data.index)
    return data[lod_columns(variable.column)[0]] == 1


def has_exposure_and_modifier(data: pd.DataFrame, pair: Pair) -> pd.Series:
    """True where both variables were measured (a value, or below a configured LOD)."""
    measured = [data[v.column].notna() | below_lod(data, v) for v in pair]
    return measured[0] & measured[1]


def require_varying_pair(data: pd.DataFrame, pair: Pair) -> None:
    """Raise an InputError when the exposure or the modifier has one value in the sample."""
    for variable in pair:
        values = data[variable.column].dropna().unique()
        if len(values) == 1:
            unit = f" {variable.unit}" if variable.unit else ""
            every_below = bool(below_lod(data, variable).all())
            cause = " (every value is below the limit of detection)" if every_below else ""
            raise InputError(
                f"{variable.label} does not vary: all {len(data)} patients of the analytic "
                f"sample have {variable.column} = {values[0]:g}{unit}{cause}",
                file="baseline",
                column=variable.column,
                fix=f"check that the {variable.column} column holds each patient's own value "
                "(not a constant, a placeholder or a mis-mapped column), or choose another "
                f"pair.{variable.role}.column; a pair variable that does not vary cannot "
                "predict remission",
            )


def require_codable(data: pd.DataFrame, pair: Pair) -> None:
    """Raise an InputError for values a variable's coding cannot take: not finite, not 0/1 for a
    binary variable, not > 0 under transform log2."""
    for variable in pair:
        values = data[variable.column]
        checks = [
            (
                np.isinf(values.astype(float)),
                "finite",
                f"pair.{variable.role}.column",
                "replace infinite values (e.g. a division by zero in the export) by the measured "
                "value, or leave the cell empty for a missing one",
            )
        ]
        if variable.is_binary:
            checks.append(
                (
                    values.notna() & ~values.isin([0, 1]),
                    "0 or 1",
                    f"pair.{variable.role}.kind: binary / split: binary",
                    "recode the column to 0/1 (data.codes), or use split: median or threshold",
                )
            )
        if variable.transform == "log2":
            checks.append(
                (
                    values <= 0,
                    "> 0",
                    f"pair.{variable.role}.transform: log2",
                    f"use pair.{variable.role}.transform: per_sd or none for a variable with zeros",
                )
            )
        for bad, need, setting, fix in checks:
            if bad.any():
                raise InputError(
                    f"{variable.label} must be {need} under {setting}, but {int(bad.sum())} "
                    f"patient(s) of the analytic sample have other values",
                    file="baseline",
                    column=variable.column,
                    ids=data.loc[bad, "patient_id"],
                    fix=fix,
                )


def require_groups(data: pd.DataFrame, pair: Pair, coding: str) -> None:
    """Raise an InputError when a coding of the coded sample (add_codings) leaves a group empty:
    coding "split", a non-binary variable's two groups; "tertiles", its three tertiles."""
    for variable in pair:
        if variable.is_binary:
            continue
        if coding == "tertiles":
            column, names = tertile_column(variable.role), {1: "T1", 2: "T2", 3: "T3"}
            setting, fix = "pair.coding", "use pair.coding: split or continuous for this variable"
        else:
            column, names = high_column(variable.role), dict(enumerate(variable.levels))
            setting = f"pair.{variable.role}." + (
                "threshold" if variable.split == "threshold" else "split"
            )
            fix = (
                f"set {setting} to a cut-point inside the range of {variable.column}, in its unit"
                if variable.split == "threshold"
                else f"set pair.{variable.role}.split: threshold with a cut-point (a median "
                "split of values this tied leaves a group empty)"
            )
        sizes = data[column].value_counts()
        counts = {name: int(sizes.get(code, 0)) for code, name in names.items()}
        if 0 in counts.values():
            shown = ", ".join(f"{name}: {n}" for name, n in counts.items())
            raise InputError(
                f"the {'tertiles' if coding == 'tertiles' else 'split'} of {variable.label} "
                f"({setting}) leaves a group empty in the analytic sample ({shown} patients)",
                file="config.yaml",
                column=setting,
                fix=fix,
            )


def zscore(values: pd.Series) -> pd.Series:
    """(x - mean) / SD with the sample SD (ddof 1), NaN kept."""
    return (values - values.mean()) / values.std(ddof=1)


def log_outlier_variables(pair: Pair) -> list[Variable]:
    """The variables whose log outliers pair.outlier_z excludes: those of kind biomarker."""
    return [variable for variable in pair if variable.kind == "biomarker"]


def log_outliers(data: pd.DataFrame, pair: Pair, limit: float) -> pd.Series:
    """True where |z| of the log of a pair biomarker, in the sample given, exceeds `limit`."""
    outlier = pd.Series(False, index=data.index)
    for variable in log_outlier_variables(pair):
        values = data[variable.column]
        if (values <= 0).any():
            raise InputError(
                f"{variable.label} has {int((values <= 0).sum())} value(s) at or below 0, which "
                "have no log: pair.outlier_z screens the log of a biomarker",
                file="baseline",
                column=variable.column,
                ids=data.loc[values <= 0, "patient_id"],
                fix=f"correct these {variable.column} values, or set pair.outlier_z: null (or "
                f"pair.{variable.role}.kind: scale) to screen no outliers of {variable.label}",
            )
        outlier |= zscore(np.log(values)).abs() > limit
    return outlier


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
    """Cut-points of every coding of the pair in the analytic sample (STROBE 16b) and the LOD.

    Columns: role (exposure | modifier), column (its dataset column), coding (below_lod | median
    | threshold | tertiles | continuous), cut (lod, substitute, median, threshold, tertile_1,
    tertile_2, mean, sd), value, unit (the variable's), lod and n_patients. For a variable with a
    limit of detection, every distinct limit of the sample's below-LOD patients gets a `lod` row
    and (except under below_lod: exclude) a `substitute` row, both with that limit in `lod` and
    its patients in `n_patients`; without such patients the configured limit is listed with 0
    patients. Each variable's split gives its median or threshold (none for split: binary), a
    non-binary variable its tertiles, and a per_sd transform the mean and SD behind its scaled
    column.
    """
    pair = pair_from_settings(settings)
    divisor = lod_divisor(settings)
    rows: list[tuple] = []
    for variable in pair:
        if not variable.is_assay:
            continue
        flag, limit_column = lod_columns(variable.column)
        limits = data.loc[data[flag] == 1, limit_column].value_counts().sort_index()
        if limits.empty:
            limits = pd.Series({float(variable.lod): 0})
        for limit, patients in limits.items():
            rows.append((variable, "below_lod", "lod", float(limit), float(limit), int(patients)))
            if divisor is not None:
                substitute = limit / divisor
                rows.append(
                    (variable, "below_lod", "substitute", substitute, float(limit), int(patients))
                )
    for variable in pair:
        values = data[variable.column].dropna()
        if variable.split == "median":
            rows.append((variable, "median", "median", float(values.median()), None, None))
        elif variable.split == "threshold":
            rows.append((variable, "threshold", "threshold", float(variable.threshold), None, None))
        if not variable.is_binary:
            first, second = tertile_cuts(values)
            rows += [
                (variable, "tertiles", "tertile_1", first, None, None),
                (variable, "tertiles", "tertile_2", second, None, None),
            ]
    for variable in pair:
        if variable.transform == "per_sd":
            values = data[variable.column].dropna()
            rows += [
                (variable, "continuous", "mean", float(values.mean()), None, None),
                (variable, "continuous", "sd", float(values.std(ddof=1)), None, None),
            ]
    table = pd.DataFrame(
        [
            (v.role, v.column, coding, cut, value, v.unit, lod, n)
            for v, coding, cut, value, lod, n in rows
        ],
        columns=CUTPOINT_COLUMNS,
    )
    return table.astype({"value": float, "lod": float, "n_patients": "Int64"})
