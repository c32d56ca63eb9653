"""Table 1: baseline characteristics by remission and by the pair's four two-group splits."""

from collections.abc import Callable, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from interplay import privacy
from interplay.columns import BINARY, CATEGORICAL, CONTINUOUS, COVARIATES
from interplay.data.biomarkers import lod_columns
from interplay.errors import InputError, require_columns
from interplay.pair import LEVEL_CODES, Pair

# Table 1 rows in display order, with how each is summarised: the covariates, then the post-baseline
# treatment step; the pair's variables follow (table1_variables).
KINDS = {
    **{name: covariate.kind for name, covariate in COVARIATES.items()},
    "treatment_step": CATEGORICAL,
}
# A biomarker of the pair with a median below this gets 2 decimals (IL-1β, about 0.6 pg/mL), so
# that small concentrations keep their precision; everything else: 1 decimal.
SMALL_MEDIAN = 10.0
OVERALL = "Overall"
COMPARISONS = ("outcome", "biomarker_group")
OUTCOME_LABELS = ("Non-remission", "Remission")
MEAN_SD, MEDIAN_IQR, N_PERCENT = "mean ± SD", "median [Q1, Q3]", "n (%)"
NOT_TESTED = "not tested"
TABLE1_COLUMNS = [
    "comparison",
    "variable",
    "kind",
    "level",
    "group",
    "n",
    "n_missing",
    "count",
    "percent",
    "mean",
    "sd",
    "median",
    "q1",
    "q3",
    "summary",
    "statistic",
    "p_value",
    "test",
    "smd",
]


def outcome_groups(dataset: pd.DataFrame, labels: Sequence[str] = OUTCOME_LABELS) -> pd.Series:
    """The outcome column as an ordered categorical: labels[0] for 0, labels[1] for 1."""
    named = dataset["outcome"].map({0: labels[0], 1: labels[1]})
    return pd.Series(pd.Categorical(named, categories=list(labels)), index=dataset.index)


def pair_kinds(pair: Pair) -> dict[str, str]:
    """The Table 1 rows of the pair: each variable (binary or continuous), then its below-LOD flag
    when it has a limit of detection; a pair variable that is a covariate keeps its row."""
    kinds: dict[str, str] = {}
    for variable in pair:
        if variable.column not in KINDS:
            kinds[variable.column] = BINARY if variable.is_binary else CONTINUOUS
        if variable.is_assay:
            kinds[lod_columns(variable.column)[0]] = BINARY
    return kinds


def table1_variables(pair: Pair) -> list[str]:
    """The Table 1 rows in display order: covariates, treatment step, the pair's variables."""
    return [*KINDS, *pair_kinds(pair)]


def variable_decimals(name: str, values: pd.Series, pair: Pair) -> int:
    """Decimals of a row: 2 for a biomarker of the pair with a median below SMALL_MEDIAN, else 1."""
    biomarker = any(v.column == name and v.kind == "biomarker" for v in pair)
    return 2 if biomarker and values.median() < SMALL_MEDIAN else 1


def pair_groups(dataset: pd.DataFrame, pair: Pair) -> pd.Series:
    """The four groups of the two-group splits, e.g. 'IL-1β high / BDNF low' (ordered)."""
    exposure = {code: pair.exposure.group(word) for code, word in LEVEL_CODES.items()}
    modifier = {code: pair.modifier.group(word) for code, word in LEVEL_CODES.items()}
    labels = [f"{a} / {b}" for a in exposure.values() for b in modifier.values()]
    named = dataset["exposure_high"].map(exposure) + " / " + dataset["modifier_high"].map(modifier)
    return pd.Series(pd.Categorical(named, categories=labels), index=dataset.index)


def variable_kind(name: str, values: pd.Series, kinds: dict[str, str] = KINDS) -> str:
    """kinds[name]; else binary for 0/1 numbers, continuous for other numbers, or categorical."""
    if name in kinds:
        return kinds[name]
    if not pd.api.types.is_numeric_dtype(values):
        return CATEGORICAL
    return BINARY if set(values.dropna().unique()) <= {0, 1} else CONTINUOUS


def is_skewed(values: pd.Series, threshold: float) -> bool:
    """Declared rule: |Fisher-Pearson skewness| of the whole column above `threshold`."""
    # scipy.stats imported where used: it costs 0.4 s, and every job imports this module
    # (through interplay.covariates) while only the Table 1 jobs test.
    from scipy import stats

    observed = values.dropna().to_numpy(dtype=float)
    return len(observed) > 2 and np.ptp(observed) > 0 and abs(stats.skew(observed)) > threshold


def compare_continuous(samples: list[np.ndarray], skewed: bool) -> tuple[float, str]:
    """p and test name: Welch t / Welch ANOVA, or Mann-Whitney U / Kruskal-Wallis when skewed."""
    from scipy import stats

    samples = [sample for sample in samples if len(sample) >= 2]
    if len(samples) < 2 or np.ptp(np.concatenate(samples)) == 0:
        return float("nan"), NOT_TESTED
    two = len(samples) == 2
    if skewed:
        if two:
            return float(stats.mannwhitneyu(*samples).pvalue), "Mann-Whitney U"
        return float(stats.kruskal(*samples).pvalue), "Kruskal-Wallis"
    if two:
        return float(stats.ttest_ind(*samples, equal_var=False).pvalue), "Welch t-test"
    return float(stats.f_oneway(*samples, equal_var=False).pvalue), "Welch ANOVA"


def compare_counts(table: np.ndarray) -> tuple[float, str]:
    """p and test name for a levels × groups count table (χ², or Fisher exact for a sparse 2×2).

    Fisher exact for a 2×2 table with an expected count < 5, otherwise χ² (Yates-corrected for
    2×2, as R's chisq.test); all-zero rows and columns are dropped first.
    """
    from scipy import stats

    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if min(table.shape) < 2:
        return float("nan"), NOT_TESTED
    chi2 = stats.chi2_contingency(table)
    small = chi2.expected_freq.min() < 5
    if table.shape == (2, 2):
        if small:
            return float(stats.fisher_exact(table).pvalue), "Fisher exact"
        return float(chi2.pvalue), "chi-squared (Yates)"
    return float(chi2.pvalue), "chi-squared (expected < 5)" if small else "chi-squared"


def smd_continuous(a: np.ndarray, b: np.ndarray) -> float:
    """|mean_a - mean_b| / sqrt((var_a + var_b) / 2), sample variances (Austin 2009)."""
    spread = np.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2)
    return float(abs(np.mean(a) - np.mean(b)) / spread) if spread > 0 else float("nan")


def smd_categorical(counts_a: np.ndarray, counts_b: np.ndarray) -> float:
    """Yang & Dalton (2012) SMD of a categorical from the level counts of two groups.

    d = sqrt(Δ' S⁻¹ Δ), Δ the difference in level proportions without the first (reference) level
    and S the average of the two multinomial covariances. For two levels this is the usual
    proportion SMD |p_a - p_b| / sqrt((p_a(1-p_a) + p_b(1-p_b)) / 2).
    """
    p_a = (counts_a / counts_a.sum())[1:]
    p_b = (counts_b / counts_b.sum())[1:]
    covariance = (np.diag(p_a) - np.outer(p_a, p_a) + np.diag(p_b) - np.outer(p_b, p_b)) / 2
    difference = p_a - p_b
    # Generalised inverse where a level is absent in both groups, as R's tableone (MASS::ginv).
    squared = difference @ np.linalg.pinv(covariance) @ difference
    return float(np.sqrt(squared)) if np.any(covariance) else float("nan")


def max_pairwise_smd(
    smd: Callable[[np.ndarray, np.ndarray], float], samples: list[np.ndarray]
) -> float:
    """The SMD for two groups; for more, the largest over all pairs (the worst imbalance)."""
    values = [smd(a, b) for a, b in combinations(samples, 2)]
    finite = [value for value in values if np.isfinite(value)]
    return max(finite) if finite else float("nan")


def format_number(value: float, decimals: int) -> str:
    """A number with fixed decimals; empty for NaN."""
    return "" if pd.isna(value) else f"{value:.{decimals}f}"


def level_text(level: object) -> str:
    """A level as text, integral numbers without decimals (treatment_step 2.0 -> '2')."""
    if isinstance(level, float | np.floating) and float(level).is_integer():
        return str(int(level))
    return str(level)


def continuous_rows(
    values: pd.Series, groups: pd.Series, decimals: int, skewed: bool
) -> list[dict]:
    """Overall and per-group n, missing, mean, SD, median, quartiles and display text."""
    rows = []
    subsets = [(OVERALL, values), *((g, values[groups == g]) for g in groups.cat.categories)]
    for group, subset in subsets:
        observed = subset.dropna().astype(float)
        row = {
            "group": group,
            "level": "",
            "n": len(observed),
            "n_missing": int(subset.isna().sum()),
            "mean": observed.mean(),
            "sd": observed.std(ddof=1),
            "median": observed.median(),
            "q1": observed.quantile(0.25),
            "q3": observed.quantile(0.75),
            "summary": MEDIAN_IQR if skewed else MEAN_SD,
        }
        parts = [format_number(row[key], decimals) for key in ("median", "q1", "q3", "mean", "sd")]
        text = f"{parts[0]} [{parts[1]}, {parts[2]}]" if skewed else f"{parts[3]} ± {parts[4]}"
        row["statistic"] = text if len(observed) else ""
        rows.append(row)
    return rows


def count_table(values: pd.Series, groups: pd.Series, levels: list) -> pd.DataFrame:
    """Counts of each level (rows) in each group (columns, in category order)."""
    table = pd.crosstab(values, groups)
    return table.reindex(index=levels, columns=groups.cat.categories, fill_value=0)


def categorical_rows(values: pd.Series, groups: pd.Series, levels: list, shown: list) -> list[dict]:
    """Overall and per-group n (%) for each shown level; n is the non-missing denominator.

    A categorical never observed shows one row with level "" (so its missing count is listed).
    """
    by_group = count_table(values, groups, levels)
    overall = values.value_counts().reindex(levels, fill_value=0).rename(OVERALL)
    counts = pd.concat([overall, by_group], axis=1)
    missing = [
        int(values.isna().sum()),
        *(int(values[groups == g].isna().sum()) for g in groups.cat.categories),
    ]
    rows = []
    for level in shown or [""]:
        for group, n_missing in zip(counts.columns, missing, strict=True):
            n = int(counts[group].sum())
            count = int(counts[group].get(level, 0))
            percent = 100 * count / n if n else float("nan")
            row = {"group": str(group), "level": level_text(level), "n": n, "n_missing": n_missing}
            row |= {"count": count, "percent": percent, "summary": N_PERCENT}
            row["statistic"] = count_statistic(count, percent) if n else ""
            rows.append(row)
    return rows


def count_statistic(count: object, percent: object) -> str:
    """'776 (71.5)', or the suppressed marker where either was suppressed (NA)."""
    if pd.isna(count) or pd.isna(percent):
        return privacy.SUPPRESSED_TEXT
    return f"{int(count)} ({float(percent):.1f})"


def protected_table1(
    table: pd.DataFrame, min_count: int | None, name: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A table1() result with small counts suppressed (privacy.TABLE1), n (%) texts to match."""
    protected, suppressed = privacy.protect(table, privacy.TABLE1, min_count, name)
    if min_count is not None:
        flagged = protected[privacy.SUPPRESSED_COLUMN]
        rows = flagged & (protected["kind"] != CONTINUOUS)
        protected.loc[rows, "statistic"] = [
            count_statistic(count, percent)
            for count, percent in zip(
                protected.loc[rows, "count"], protected.loc[rows, "percent"], strict=True
            )
        ]
    return protected, suppressed


def describe_variable(
    values: pd.Series, groups: pd.Series, kind: str, skew_threshold: float, decimals: int
) -> pd.DataFrame:
    """Table 1 rows of one variable: summaries per group plus its p-value, test and SMD."""
    if kind == CONTINUOUS:
        skewed = is_skewed(values, skew_threshold)
        samples = [
            values[groups == g].dropna().to_numpy(dtype=float) for g in groups.cat.categories
        ]
        p_value, test = compare_continuous(samples, skewed)
        smd = max_pairwise_smd(smd_continuous, [s for s in samples if len(s) >= 2])
        rows = continuous_rows(values, groups, decimals, skewed)
    else:
        levels = [0, 1] if kind == BINARY else sorted(values.dropna().unique())
        table = count_table(values, groups, levels).to_numpy()
        p_value, test = compare_counts(table)
        smd = max_pairwise_smd(smd_categorical, [column for column in table.T if column.sum()])
        rows = categorical_rows(values, groups, levels, [1] if kind == BINARY else levels)
    described = pd.DataFrame(rows)
    return described.assign(kind=kind, p_value=p_value, test=test, smd=smd)


def table1(
    dataset: pd.DataFrame,
    pair: Pair,
    by: str = "outcome",
    variables: Sequence[str] | None = None,
    outcome_labels: Sequence[str] = OUTCOME_LABELS,
    skew_threshold: float = 1.0,
) -> pd.DataFrame:
    """Baseline characteristics of the analytic sample by `outcome` or `biomarker_group`, long.

    Rows: `variables`, by default table1_variables(pair). One row per variable × level × group;
    columns (TABLE1_COLUMNS):
    - comparison: `by` — `outcome` (groups outcome_labels for outcome 0 / 1) or `biomarker_group`
      (the four groups of the exposure's and the modifier's two-group splits, in the Pair's
      words, e.g. "IL-1β high / BDNF low" or "IL-6 high / HADS anxiety ≥ 12");
    - variable, kind (continuous | binary | categorical), level (empty for continuous; `1` for a
      binary; every level of a categorical);
    - group: `Overall` (all analytic patients), then each group in order;
    - n: patients with the variable observed in the group (the denominator of percent);
      n_missing: patients with it missing in the group (STROBE 14b);
    - count, percent: patients at this level and 100 × count / n (categorical and binary);
    - mean, sd (ddof 1), median, q1, q3 (linear-interpolation quartiles, R type 7) (continuous);
    - summary: which summary `statistic` shows (mean ± SD, median [Q1, Q3] or n (%));
      statistic: that summary as text, e.g. "56.9 ± 14.9";
    - p_value, test, smd: one per variable, repeated on its rows. Continuous: Welch t-test
      (2 groups) or Welch one-way ANOVA (> 2, R's oneway.test), except when |skewness| of the
      whole column > skew_threshold (then also shown as median [Q1, Q3]): Mann-Whitney U (scipy
      default method, as R's wilcox.test) or Kruskal-Wallis. Binary/categorical: χ²
      (Yates-corrected for 2×2, as R's chisq.test), Fisher exact for a 2×2 table with an expected
      count < 5; a larger table with an expected count < 5 keeps χ² and says so in `test`.
      smd: absolute standardised mean difference (Austin 2009; Yang & Dalton 2012 for
      categorical), for more than two groups the largest over all pairs of groups. Groups without
      data are left out of test and SMD; patients without a group count only in Overall.
    """
    if by not in COMPARISONS:
        raise ValueError(f"by must be one of {COMPARISONS}, not {by!r}")
    variables = table1_variables(pair) if variables is None else variables
    kinds = {**KINDS, **pair_kinds(pair)}
    require_columns(
        dataset.columns,
        variables,
        table="analysis dataset",
        fix="describe only columns of the analysis dataset in Table 1",
    )
    groups = (
        outcome_groups(dataset, outcome_labels) if by == "outcome" else pair_groups(dataset, pair)
    )
    parts = []
    for variable in variables:
        values = dataset[variable]
        kind = variable_kind(variable, values, kinds)
        decimals = variable_decimals(variable, values, pair)
        described = describe_variable(values, groups, kind, skew_threshold, decimals)
        parts.append(described.assign(comparison=by, variable=variable))
    return pd.concat(parts, ignore_index=True).reindex(columns=TABLE1_COLUMNS)


def format_p(p_value: float) -> str:
    """p to 3 decimals, '<0.001' below that, empty when not tested."""
    if pd.isna(p_value):
        return ""
    return "<0.001" if p_value < 0.001 else f"{p_value:.3f}"


def table1_wide(table: pd.DataFrame) -> pd.DataFrame:
    """The familiar layout of a table1() result: a statistic column per group, then p, test, SMD.

    Columns: variable, level, summary, one column per group (Overall first), p (text), test,
    smd (2 decimals), n_missing (overall).
    """
    keys = ["variable", "level"]
    order = pd.MultiIndex.from_frame(table[keys].drop_duplicates())
    wide = table.pivot(index=keys, columns="group", values="statistic")
    wide = wide.reindex(index=order, columns=table["group"].unique())
    per_row = table.loc[table["group"] == OVERALL].set_index(keys)
    wide.insert(0, "summary", per_row["summary"])
    wide["p"] = per_row["p_value"].map(format_p)
    wide["test"] = per_row["test"]
    wide["smd"] = per_row["smd"].map(lambda value: format_number(value, 2))
    wide["n_missing"] = per_row["n_missing"]
    wide.columns.name = None
    return wide.reset_index()


def paper_style_covariates(
    table: pd.DataFrame, candidates: Sequence[str], p_threshold: float
) -> list[str]:
    """Candidates with a Table 1 p-value by outcome below p_threshold (docs/analysis_plan.md §4)."""
    p_values = (
        table.loc[table["comparison"] == "outcome"]
        .groupby("variable", sort=False)["p_value"]
        .first()
    )
    absent = [candidate for candidate in candidates if candidate not in p_values.index]
    if absent:
        raise InputError(
            f"candidate covariate(s) {', '.join(absent)} are not in Table 1",
            file="config.yaml",
            column="covariates.sets",
            fix="choose paper-style candidates among the Table 1 variables",
        )
    return [candidate for candidate in candidates if p_values[candidate] < p_threshold]
