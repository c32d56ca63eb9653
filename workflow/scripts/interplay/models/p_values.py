"""p-values for every interval row, and the p_value_method column that says how each was got.

Model-based rows test against the null with the interval's own reference distribution (Wald z,
Rubin t, the D1/D3 F tests). Interval methods without a test statistic (MOVER, percentile and BCa
bootstrap) get the p-value whose rejection region agrees with the interval at every level: the
smallest α at which the (1 − α) interval excludes the null (test inversion; Davison & Hinkley
1997 §4.4, Efron & Tibshirani 1993 §15–16). A row with no null value (a standardised risk) or no
answer has p_value NA and p_value_method not_defined (docs/p_values.md).
"""

from collections.abc import Callable

import numpy as np
import pandas as pd

NOT_DEFINED = "not_defined"
# ci_method -> p_value_method where they differ; every other method's p-value is its own test.
INVERSION_METHODS = {
    "mover": "mover_inversion",
    "percentile": "percentile_inversion",
    "bca": "bca_inversion",
    "boot_mi_vhb": "boot_mi_t",
}
RATIO_MEASURES = {"ratio_of_odds_ratios", "or_10", "or_01", "or_11", "s"}
BISECTION_STEPS = 60  # halves (0, 1) to below 1e-18


def reporting_null(measure: str) -> float | None:
    """A measure's null on its reporting scale: 1 for ratios and S, 0 for differences (RERI, AP,
    IC, slopes), None for a standardised risk; *_rr measures follow their odds-ratio cousins."""
    name = measure.removesuffix("_rr")
    if name.startswith("risk_"):
        return None
    return 1.0 if name in RATIO_MEASURES else 0.0


def estimation_null(measure: str, log_scale: bool) -> float | None:
    """A bootstrap estimand's null on its estimation scale: 0 on the log scale (every log-scale
    estimand is a ratio: log 1), else reporting_null."""
    return 0.0 if log_scale else reporting_null(measure)


def inverted_p_value(limits: Callable[[float], tuple[float, float]], null: float | None) -> float:
    """The smallest α at which the (1 − α) interval limits(α) excludes the null, by bisection.

    The interval must shrink as α grows; NaN without a null or a finite interval at α = 0.5.
    """
    if null is None or not np.all(np.isfinite(limits(0.5))):
        return np.nan

    def excludes(alpha: float) -> bool:
        low, high = limits(alpha)
        return bool(low > null or high < null)

    if not excludes(1.0):
        return 1.0
    low, high = 0.0, 1.0
    for _ in range(BISECTION_STEPS):
        middle = (low + high) / 2
        low, high = (low, middle) if excludes(middle) else (middle, high)
    return high


def p_value_method(ci_method: str, p_value: float) -> str:
    """How a row's p-value was obtained: its test, the interval it inverts, or not_defined."""
    if pd.isna(p_value):
        return NOT_DEFINED
    return INVERSION_METHODS.get(ci_method, ci_method)


def with_p_value_method(table: pd.DataFrame) -> pd.DataFrame:
    """The table with p_value_method right after p_value."""
    methods = [
        p_value_method(method, p)
        for method, p in zip(table["ci_method"], table["p_value"], strict=True)
    ]
    out = table.drop(columns="p_value_method", errors="ignore")
    out.insert(out.columns.get_loc("p_value") + 1, "p_value_method", methods)
    return out
