"""Table 1 statistics against closed forms, hand calculations and direct scipy calls."""

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from interplay.describe.table1 import (
    BINARY,
    CONTINUOUS,
    compare_counts,
    pair_kinds,
    paper_style_covariates,
    smd_categorical,
    smd_continuous,
    table1,
    table1_wide,
)
from interplay.errors import InputError
from pairs import DEFAULT_PAIR, IL6_HADS
from scipy import stats

GROUPS_2X2 = [
    "IL-1β low / BDNF low",
    "IL-1β low / BDNF high",
    "IL-1β high / BDNF low",
    "IL-1β high / BDNF high",
]


def dataset(n: int = 80) -> pd.DataFrame:
    """A small seeded analysis dataset with a symmetric, a skewed and categorical variables."""
    rng = np.random.default_rng(np.random.SeedSequence(2025))
    outcome = np.tile([0, 1], n // 2)
    data = pd.DataFrame(
        {
            "outcome": outcome,
            "age": rng.normal(55, 12, n) + 4 * outcome,
            "episode_duration_months": rng.lognormal(1.5, 1.2, n),
            "sex": rng.choice(["female", "male"], n),
            "low_income": (rng.random(n) < 0.4 + 0.2 * outcome).astype(float),
            "treatment_step": rng.integers(1, 5, n).astype(float),
            "exposure_high": np.repeat([0, 1], n // 2),
            "modifier_high": np.tile(np.repeat([0, 1], n // 4), 2),
        }
    )
    data.loc[[0, 1, 5], "age"] = np.nan
    data.loc[[2], "treatment_step"] = np.nan
    return data


VARIABLES = ["age", "episode_duration_months", "sex", "low_income", "treatment_step"]


def rows_of(table: pd.DataFrame, variable: str) -> pd.DataFrame:
    """The rows of one variable."""
    return table.loc[table["variable"] == variable]


def welch_t_p(a: np.ndarray, b: np.ndarray) -> float:
    """Welch's t-test p from its closed form with Welch–Satterthwaite df."""
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    t = (a.mean() - b.mean()) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return 2 * stats.t.sf(abs(t), df)


def welch_anova_p(samples: list[np.ndarray]) -> float:
    """Welch's (1951) heteroscedastic one-way ANOVA p from its closed form."""
    k = len(samples)
    n = np.array([len(s) for s in samples])
    w = n / np.array([s.var(ddof=1) for s in samples])
    means = np.array([s.mean() for s in samples])
    grand = (w * means).sum() / w.sum()
    tail = ((1 - w / w.sum()) ** 2 / (n - 1)).sum()
    f = ((w * (means - grand) ** 2).sum() / (k - 1)) / (1 + 2 * (k - 2) / (k**2 - 1) * tail)
    return stats.f.sf(f, k - 1, (k**2 - 1) / (3 * tail))


def test_continuous_summaries_and_welch_t():
    data = dataset()
    rows = rows_of(table1(data, DEFAULT_PAIR, variables=VARIABLES), "age").set_index("group")
    a = data.loc[data["outcome"] == 0, "age"].dropna().to_numpy()
    b = data.loc[data["outcome"] == 1, "age"].dropna().to_numpy()
    assert rows.loc["Non-remission", "mean"] == pytest.approx(a.mean())
    assert rows.loc["Remission", "sd"] == pytest.approx(b.std(ddof=1))
    assert rows.loc["Remission", "q1"] == pytest.approx(np.percentile(b, 25))
    assert rows.loc["Overall", "n"] == 77 and rows.loc["Overall", "n_missing"] == 3
    assert rows.loc["Remission", "n_missing"] == 2  # rows 1 and 5 have outcome 1
    assert rows["test"].unique().tolist() == ["Welch t-test"]
    assert rows["p_value"].iloc[0] == pytest.approx(welch_t_p(a, b), rel=1e-10)
    mean, sd = a.mean(), a.std(ddof=1)
    assert rows.loc["Non-remission", "statistic"] == f"{mean:.1f} ± {sd:.1f}"


def test_skewed_variable_uses_mann_whitney_and_median():
    data = dataset()
    assert abs(stats.skew(data["episode_duration_months"])) > 1  # the rule's premise
    rows = rows_of(table1(data, DEFAULT_PAIR, variables=VARIABLES), "episode_duration_months")
    a = data.loc[data["outcome"] == 0, "episode_duration_months"]
    b = data.loc[data["outcome"] == 1, "episode_duration_months"]
    assert rows["test"].unique().tolist() == ["Mann-Whitney U"]
    assert rows["p_value"].iloc[0] == pytest.approx(stats.mannwhitneyu(a, b).pvalue)
    assert rows["summary"].unique().tolist() == ["median [Q1, Q3]"]
    overall = rows.set_index("group").loc["Overall"]
    values = data["episode_duration_months"]
    assert overall["median"] == pytest.approx(values.median())
    expected = f"{values.median():.1f} [{values.quantile(0.25):.1f}, {values.quantile(0.75):.1f}]"
    assert overall["statistic"] == expected


def test_four_groups_welch_anova_kruskal_and_labels():
    data = dataset()
    table = table1(data, DEFAULT_PAIR, by="biomarker_group", variables=VARIABLES)
    groups = 2 * data["exposure_high"] + data["modifier_high"]
    assert table["group"].unique().tolist() == ["Overall", *GROUPS_2X2]
    age = [data.loc[groups == g, "age"].dropna().to_numpy() for g in range(4)]
    rows = rows_of(table, "age")
    assert rows["test"].iloc[0] == "Welch ANOVA"
    assert rows["p_value"].iloc[0] == pytest.approx(welch_anova_p(age), rel=1e-8)
    episode = [data.loc[groups == g, "episode_duration_months"] for g in range(4)]
    rows = rows_of(table, "episode_duration_months")
    assert rows["test"].iloc[0] == "Kruskal-Wallis"
    assert rows["p_value"].iloc[0] == pytest.approx(stats.kruskal(*episode).pvalue)
    # SMD over four groups: the largest pairwise |Δmean| / sqrt((s1² + s2²) / 2), by hand.
    pairwise = [
        abs(x.mean() - y.mean()) / math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
        for i, x in enumerate(age)
        for y in age[i + 1 :]
    ]
    assert rows_of(table, "age")["smd"].iloc[0] == pytest.approx(max(pairwise))


def test_binary_chi_squared_yates_by_closed_form():
    data = dataset()
    rows = rows_of(table1(data, DEFAULT_PAIR, variables=VARIABLES), "low_income")
    assert rows["level"].unique().tolist() == ["1"]
    counts = pd.crosstab(data["low_income"], data["outcome"]).to_numpy()
    (a, b), (c, d) = counts
    total = counts.sum()
    yates = total * (abs(a * d - b * c) - total / 2) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    assert rows["test"].iloc[0] == "chi-squared (Yates)"
    assert rows["p_value"].iloc[0] == pytest.approx(stats.chi2.sf(yates, 1))
    remitters = rows.set_index("group").loc["Remission"]
    assert remitters["count"] == d and remitters["percent"] == pytest.approx(100 * d / (b + d))
    assert remitters["statistic"] == f"{d} ({100 * d / (b + d):.1f})"


def fisher_two_sided(table: np.ndarray) -> float:
    """Fisher's exact two-sided p by enumerating the hypergeometric tables with fixed margins."""
    (a, b), (c, _) = table
    row, col, total = a + b, a + c, table.sum()

    def probability(x: int) -> float:
        return math.comb(col, x) * math.comb(total - col, row - x) / math.comb(total, row)

    observed = probability(a)
    support = range(max(0, row + col - total), min(row, col) + 1)
    return sum(p for p in map(probability, support) if p <= observed * (1 + 1e-7))


def test_fisher_when_an_expected_count_is_below_five():
    small = np.array([[1, 6], [7, 2]])  # expected count of the first cell 8 × 7 / 16 = 3.5
    p_value, test = compare_counts(small)
    assert test == "Fisher exact"
    assert p_value == pytest.approx(fisher_two_sided(small))
    large = np.array([[10, 16], [17, 9]])  # smallest expected 26 × 25 / 52 = 12.5
    assert compare_counts(large)[1] == "chi-squared (Yates)"
    three_levels = np.array([[1, 3], [2, 2], [8, 5]])
    p_value, test = compare_counts(three_levels)
    assert test == "chi-squared (expected < 5)"
    assert p_value == pytest.approx(stats.chi2_contingency(three_levels).pvalue)


def test_smd_continuous_by_hand():
    # Means 2 and 4, variances 1 and 4: 2 / sqrt(2.5).
    assert smd_continuous(np.array([1.0, 2, 3]), np.array([2.0, 4, 6])) == pytest.approx(
        2 / math.sqrt(2.5)
    )


def test_smd_binary_is_the_proportion_formula():
    # 2/4 vs 1/4: 0.25 / sqrt((0.25 + 0.1875) / 2).
    expected = 0.25 / math.sqrt((0.5 * 0.5 + 0.25 * 0.75) / 2)
    assert smd_categorical(np.array([2, 2]), np.array([3, 1])) == pytest.approx(expected)


def test_smd_three_levels_yang_dalton_by_hand():
    # Proportions (0.5, 0.3, 0.2) vs (0.2, 0.3, 0.5), reference level 1 dropped: the 2×2 average
    # covariance S, inverted by the adjugate formula, d² = Δ' S⁻¹ Δ.
    pa, pb = np.array([0.3, 0.2]), np.array([0.3, 0.5])
    s11 = (pa[0] * (1 - pa[0]) + pb[0] * (1 - pb[0])) / 2
    s22 = (pa[1] * (1 - pa[1]) + pb[1] * (1 - pb[1])) / 2
    s12 = (-pa[0] * pa[1] - pb[0] * pb[1]) / 2
    (d1, d2), det = pa - pb, s11 * s22 - s12**2
    squared = (d1 * d1 * s22 - 2 * d1 * d2 * s12 + d2 * d2 * s11) / det
    smd = smd_categorical(np.array([5, 3, 2]), np.array([2, 3, 5]))
    assert smd == pytest.approx(math.sqrt(squared))


def test_categorical_all_levels_and_missing():
    data = dataset()
    rows = rows_of(table1(data, DEFAULT_PAIR, variables=VARIABLES), "treatment_step")
    assert rows["level"].unique().tolist() == ["1", "2", "3", "4"]
    overall = rows.loc[rows["group"] == "Overall"]
    assert overall["count"].sum() == 79 and set(overall["n_missing"]) == {1}
    counts = pd.crosstab(data["treatment_step"], data["outcome"])
    assert rows["p_value"].iloc[0] == pytest.approx(stats.chi2_contingency(counts).pvalue)


def test_wide_layout():
    wide = table1_wide(table1(dataset(), DEFAULT_PAIR, variables=VARIABLES))
    assert list(wide.columns) == [
        "variable",
        "level",
        "summary",
        "Overall",
        "Non-remission",
        "Remission",
        "p",
        "test",
        "smd",
        "n_missing",
    ]
    expected = ["age", "episode_duration_months", "sex", "sex", "low_income"]
    assert wide["variable"].tolist() == expected + ["treatment_step"] * 4


def test_paper_style_covariates_by_threshold():
    table = table1(dataset(), DEFAULT_PAIR, variables=VARIABLES)
    p_values = table.groupby("variable")["p_value"].first()
    for threshold in (0.05, 0.5, 1.01):
        chosen = paper_style_covariates(table, VARIABLES, threshold)
        assert chosen == [v for v in VARIABLES if p_values[v] < threshold]
    assert paper_style_covariates(table, VARIABLES, 1.01) == VARIABLES
    with pytest.raises(InputError, match="sofas"):
        paper_style_covariates(table, ["age", "sofas"], 0.05)


def test_unobserved_variables_still_show_their_missing_count():
    data = dataset().assign(living_alone=np.nan, treatment_step=np.nan)
    table = table1(data, DEFAULT_PAIR, variables=["living_alone", "treatment_step"])
    overall = table.loc[table["group"] == "Overall"].set_index("variable")
    assert overall["n_missing"].to_dict() == {"living_alone": 80, "treatment_step": 80}
    assert overall["n"].to_dict() == {"living_alone": 0, "treatment_step": 0}
    assert set(table["test"]) == {"not tested"} and table["p_value"].isna().all()


def test_a_modifier_split_binary_is_a_binary_row_whatever_its_kind():
    """kind: scale with split: binary is a 0/1 variable (Variable.is_binary): a binary row."""
    unmarried = replace(IL6_HADS.modifier, column="smoker_flag", split="binary", threshold=None)
    kinds = pair_kinds(replace(IL6_HADS, modifier=unmarried))
    assert kinds["smoker_flag"] == BINARY
    assert kinds["il6"] == CONTINUOUS
