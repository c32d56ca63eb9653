"""Small-cell suppression (config privacy.min_cell_count): crafted tables with answers by hand."""

from pathlib import Path

import pandas as pd
from interplay import privacy
from interplay.describe.table1 import protected_table1
from interplay.figures import cohort as figures_cohort
from interplay.figures.style import FigureStyle
from interplay.report.pages import count_column
from interplay.sensitivity.summary import protected_sensitivity
from interplay.tables import read_table, write_table
from matplotlib.text import Text
from pairs import DEFAULT_PAIR

PRIMARY = "below the minimum cell count (5)"
STYLE = FigureStyle()


def suppressed(log: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(row, column, primary | complementary) of each suppressed cell, sorted."""
    kinds = log["reason"].map(lambda reason: "primary" if reason == PRIMARY else "complementary")
    return sorted(zip(log["row"], log["column"], kinds, strict=True))


def test_nothing_changes_without_a_minimum() -> None:
    flow = pd.DataFrame({"stage": ["enrolled", "a"], "n": [10, 7], "excluded": [0, 3]})
    protected, log = privacy.protect(flow, privacy.FLOW, None, "flow")
    assert protected is flow
    assert log.empty and list(log.columns) == ["table", "row", "column", "reason"]


def test_flow_exclusion_is_hidden_with_the_count_that_would_reveal_it() -> None:
    # 100 − 3 = 97 and 97 − 7 = 90 give the 3 away unless 97 goes too; then 97 = 90 + 7 gives
    # 97 back unless 7 (the smaller of 90 and 7) goes as well. The analytic 60 stays public.
    flow = pd.DataFrame(
        {
            "stage": ["enrolled", "a", "b", "c"],
            "n": [100, 97, 90, 60],
            "excluded": [0, 3, 7, 30],
            "reason": ["", "x", "y", "z"],
        }
    )
    protected, log = privacy.protect(flow, privacy.FLOW, 5, "results/tables/flow.tsv")
    assert suppressed(log) == [
        ("stage = a", "excluded", "primary"),
        ("stage = a", "n", "complementary"),
        ("stage = b", "excluded", "complementary"),
    ]
    assert protected["n"].isna().tolist() == [False, True, False, False]
    assert protected["excluded"].isna().tolist() == [False, True, True, False]
    assert protected["suppressed"].tolist() == [False, True, True, False]
    assert set(log["table"]) == {"results/tables/flow.tsv"}


def test_last_exclusion_is_protected_above_the_public_analytic_sample() -> None:
    # The analytic 1,086 is shown in every model table, so 1,094 − 1,086 = 8 is closed by
    # hiding 1,094, and 1,106 − 12 = 1,094 then by hiding the 12 (README, "Data governance").
    flow = pd.DataFrame(
        {
            "stage": ["enrolled", "with_both_biomarkers", "with_post_baseline_hamd"],
            "n": [1106, 1094, 1086],
            "excluded": [0, 12, 8],
        }
    )
    protected, log = privacy.protect(flow, privacy.FLOW, 10, "flow")
    assert suppressed(log.assign(reason=log["reason"].str.replace("(10)", "(5)"))) == [
        ("stage = with_both_biomarkers", "excluded", "complementary"),
        ("stage = with_both_biomarkers", "n", "complementary"),
        ("stage = with_post_baseline_hamd", "excluded", "primary"),
    ]
    assert protected["n"].tolist()[::2] == [1106, 1086]


def test_sensitivity_flow_hides_what_the_primary_flow_hides() -> None:
    # The lod_exclude flow repeats the primary stages: on its own it would show 1,094 and 12
    # (its final n is 1,002), which with the primary flow's 1,086 give the 8 away. Cells hidden
    # in the primary flow stay hidden; 1,086, shown there, is public here.
    stages = ["enrolled", "with_both_biomarkers", "with_post_baseline_hamd"]
    primary = pd.DataFrame({"stage": stages, "n": [1106, 1094, 1086], "excluded": [0, 12, 8]})
    published, _ = privacy.protect(primary, privacy.FLOW, 10, "results/tables/flow.tsv")
    flow = pd.DataFrame(
        {
            "stage": [*stages, "il1b_above_lod"],
            "n": [1106, 1094, 1086, 1002],
            "excluded": [0, 12, 8, 84],
        }
    )
    alone, _ = privacy.protect(flow, privacy.FLOW, 10, "lod_exclude")
    assert alone["n"].tolist()[:2] == [1106, 1094]
    protected, log = privacy.protect(
        flow, privacy.FLOW, 10, "lod_exclude", published=(published, "results/tables/flow.tsv")
    )
    assert protected["n"].isna().tolist() == [False, True, False, False]
    assert protected["excluded"].isna().tolist() == [False, True, True, False]
    carried = log.loc[log["reason"].str.contains("suppressed in results/tables/flow.tsv"), "row"]
    assert sorted(carried) == ["stage = with_both_biomarkers"] * 2


def test_joint_cell_and_its_complements_in_every_margin() -> None:
    # (low, high) has 3 patients, 1 remitter, 2 non-remitters: all below 5. Each column adds up
    # to a public total, so the smallest other positive cell of each column goes too: (low, low).
    joint = pd.DataFrame(
        {
            "stratum": "all",
            "exposure_level": ["low", "low", "high", "high"],
            "modifier_level": ["low", "high", "low", "high"],
            "n": [20, 3, 30, 47],
            "remitters": [10, 1, 15, 20],
            "non_remitters": [10, 2, 15, 27],
        }
    )
    # A second interval-method row of a cell repeats its counts and is suppressed alike.
    joint = pd.concat([joint, joint.iloc[[1]]], ignore_index=True)
    protected, log = privacy.protect(joint, privacy.JOINT, 5, "joint")
    cells = {("low", "high"): "primary", ("low", "low"): "complementary"}
    expected = [
        (f"stratum = all, exposure_level = {il1b}, modifier_level = {bdnf}", column, kind)
        for (il1b, bdnf), kind in cells.items()
        for column in ["n", "remitters", "non_remitters"]
    ]
    assert suppressed(log) == sorted(expected)
    counts = protected[["n", "remitters", "non_remitters"]]
    assert counts.isna().all(axis=1).tolist() == [True, True, False, False, True]
    assert protected["suppressed"].tolist() == [True, True, False, False, True]


def test_zero_is_shown_and_not_chosen_while_a_positive_cell_is_left() -> None:
    joint = pd.DataFrame(
        {
            "stratum": "all",
            "exposure_level": ["low", "low", "high", "high"],
            "modifier_level": ["low", "high", "low", "high"],
            "n": [0, 4, 30, 40],
            "remitters": [0, 0, 15, 20],
            "non_remitters": [0, 4, 15, 20],
        }
    )
    protected, _ = privacy.protect(joint, privacy.JOINT, 5, "joint")
    # n 4 and non-remitters 4 of (low, high) are small; its remitters 0 are shown. The n column
    # total then needs a complement: the smallest positive, 30 of (high, low), not the 0 of
    # (low, low). That cell's n = 15 + 15 needs one of its 15s (the first, remitters); the
    # remitters total then needs 20 of (high, high), whose n = 20 + 20 needs its non-remitters.
    assert protected["n"].isna().tolist() == [False, True, True, False]
    assert protected["remitters"].isna().tolist() == [False, False, True, True]
    assert protected["non_remitters"].isna().tolist() == [False, True, False, True]
    assert protected["remitters"].tolist()[:2] == [0, 0]


def table1_rows(rows: list[tuple]) -> pd.DataFrame:
    """A long Table 1 of one binary variable: group, n, n_missing, count."""
    table = pd.DataFrame(rows, columns=["group", "n", "n_missing", "count"])
    table["percent"] = 100 * table["count"] / table["n"]
    table["statistic"] = [
        f"{c} ({p:.1f})" for c, p in zip(table["count"], table["percent"], strict=True)
    ]
    return table.assign(comparison="outcome", variable="unmarried", kind="binary", level="1")


def test_binary_count_whose_other_level_is_small_is_suppressed() -> None:
    # Level 0 is not shown but is n − count: 3 in Overall and in group B, so those counts go.
    table = table1_rows([("Overall", 40, 0, 37), ("A", 20, 0, 20), ("B", 20, 0, 17)])
    protected, log = protected_table1(table, 5, "table1")
    assert suppressed(log) == [
        (
            "comparison = outcome, variable = unmarried, level = 1, group = B",
            "count",
            "complementary",
        ),
        (
            "comparison = outcome, variable = unmarried, level = 1, group = Overall",
            "count",
            "complementary",
        ),
    ]
    assert protected["statistic"].tolist() == ["suppressed", "20 (100.0)", "suppressed"]
    assert protected["percent"].isna().tolist() == [True, False, True]
    assert protected["n"].tolist() == [40, 20, 20]


def test_small_missing_count_takes_its_denominator_with_it() -> None:
    # n + n_missing is the group's size (public): 2 missing in A and Overall would be
    # 22 − 20 and 42 − 40, so both n go, and the percentages (count / n) with them.
    table = table1_rows([("Overall", 40, 2, 20), ("A", 20, 2, 10), ("B", 20, 0, 10)])
    protected, log = protected_table1(table, 5, "table1")
    row = "comparison = outcome, variable = unmarried, group = {}"
    assert suppressed(log) == [
        (row.format("A"), "n", "complementary"),
        (row.format("A"), "n_missing", "primary"),
        (row.format("Overall"), "n", "complementary"),
        (row.format("Overall"), "n_missing", "primary"),
    ]
    assert protected["statistic"].tolist() == ["suppressed", "suppressed", "10 (50.0)"]
    assert protected["count"].tolist() == [20, 10, 10]


def test_warning_with_few_patients_keeps_no_count_in_its_message() -> None:
    warnings = pd.DataFrame(
        {
            "table": ["baseline", "baseline"],
            "column": ["il1b", "religious"],
            "check": ["outlier", "missing_fraction"],
            "n_affected": [2, 300],
            "message": ["2 value(s) exceed ...", "300 of 1000 values missing"],
        }
    )
    protected, log = privacy.protect(warnings, privacy.WARNINGS, 5, "data_warnings")
    assert protected["message"].tolist() == ["suppressed", "300 of 1000 values missing"]
    assert pd.isna(protected["n_affected"].iloc[0]) and protected["n_affected"].iloc[1] == 300
    assert suppressed(log) == [
        ("table = baseline, column = il1b, check = outlier", "n_affected", "primary")
    ]


def test_protected_table_reads_back_with_numeric_counts(tmp_path: Path) -> None:
    flow = pd.DataFrame({"stage": ["enrolled", "a", "b"], "n": [50, 47, 40], "excluded": [0, 3, 7]})
    protected, _ = privacy.protect(flow, privacy.FLOW, 5, "flow")
    write_table(protected, tmp_path / "flow.tsv")
    assert (tmp_path / "flow.tsv").read_text().splitlines()[2] == "a\tNA\tNA\tTRUE"
    back = read_table(tmp_path / "flow.tsv")
    assert back["n"].dtype == "float64" and back["suppressed"].dtype == bool
    assert [privacy.count_text(n, thousands=True) for n in back["n"]] == ["50", "suppressed", "40"]


def test_missingness_with_few_missing_or_few_observed_is_hidden() -> None:
    # 3 missing is small; 98 missing leaves 2 observed of the 100 (public), so 98 goes too.
    summary = pd.DataFrame(
        {
            "variable": ["age", "sofas", "religious"],
            "n_missing": [0, 3, 98],
            "percent_missing": [0.0, 3.0, 98.0],
        }
    )
    protected, log = privacy.protect(summary, privacy.missingness_table(100), 5, "missingness")
    assert suppressed(log) == [
        ("variable = religious", "n_missing", "complementary"),
        ("variable = sofas", "n_missing", "primary"),
    ]
    assert protected["n_missing"].isna().tolist() == [False, True, True]
    assert protected["percent_missing"].isna().tolist() == [False, True, True]


def pattern_table(rows: list[tuple[int, int, int]]) -> pd.DataFrame:
    """A missing_patterns() table of the variables age and sofas: (age, sofas, n) per pattern."""
    table = pd.DataFrame(rows, columns=["age", "sofas", "n"])
    return table.assign(n_missing=table["age"] + table["sofas"])[["n", "n_missing", "age", "sofas"]]


def test_rare_missing_patterns_are_merged_with_those_that_would_reveal_them() -> None:
    # Only sofas missing: 3 patients (small). Total sofas 12 − both 9 would give it away, so 9
    # goes; then total age 29 − 9 = age only 20 would show the 9, so 20 goes as well.
    patterns = pattern_table([(0, 0, 50), (1, 0, 20), (1, 1, 9), (0, 1, 3)])
    shown, totals, log = figures_cohort.protected_missing_patterns(patterns, 5, "missing_pattern")
    assert suppressed(log) == [
        ("part = pattern, pattern = missing age", "n", "complementary"),
        ("part = pattern, pattern = missing age, sofas", "n", "complementary"),
        ("part = pattern, pattern = missing sofas", "n", "primary"),
    ]
    assert shown["n"].tolist() == [50, 32]  # the merged row last, its sum never drawn
    assert shown[["age", "sofas"]].iloc[1].isna().all()
    assert totals.to_dict() == {"age": 29.0, "sofas": 12.0}


def test_small_missing_value_total_is_suppressed_in_the_figure() -> None:
    patterns = pattern_table([(0, 0, 60), (1, 0, 12), (0, 1, 3)])
    shown, totals, log = figures_cohort.protected_missing_patterns(patterns, 5, "missing_pattern")
    assert pd.isna(totals["sofas"])
    assert ("part = total, pattern = sofas", "n", "primary") in suppressed(log)
    figure = figures_cohort.missing_pattern_figure(shown, totals, STYLE)
    labels = [text.get_text() for text in figure.findobj(Text)]
    assert "suppressed" in labels and figures_cohort.OTHER_PATTERNS in labels
    assert not {"3", "12"} & set(labels)


def test_nothing_changes_in_the_pattern_figure_without_a_minimum() -> None:
    patterns = pattern_table([(0, 0, 60), (1, 0, 12), (0, 1, 3)])
    shown, totals, log = figures_cohort.protected_missing_patterns(patterns, None, "pattern")
    pd.testing.assert_frame_equal(shown, patterns)
    assert totals.to_dict() == {"age": 12.0, "sofas": 3.0} and log.empty


def histogram_bars() -> pd.DataFrame:
    """Histogram counts: exposure below-LOD bar of 3, bins 40, 2, 30; modifier bins 50, 3, 22."""
    return pd.DataFrame(
        {
            "biomarker": ["exposure"] * 4 + ["modifier"] * 3,
            "low": [0.05, 0.1, 0.2, 0.4, 10.0, 20.0, 30.0],
            "high": [0.1, 0.2, 0.4, 0.8, 20.0, 30.0, 40.0],
            "count": [3, 40, 2, 30, 50, 3, 22],
            "below_lod": [True, False, False, False, False, False, False],
        }
    )


def test_small_histogram_bars_and_the_below_lod_count_are_not_shown() -> None:
    # IL-1β: 3 below the LOD and the bin of 2 hide each other (75 − 40 − 30 = 5 = 3 + 2);
    # BDNF: 75 − 50 − 22 would give the 3 away, so 22 (smaller than 50) goes with it.
    protected, log = figures_cohort.protected_histograms(histogram_bars(), 5, "biomarkers")
    assert protected["count"].isna().tolist() == [True, False, True, False, False, True, True]
    assert [kind for _, _, kind in suppressed(log)].count("complementary") == 1
    assert ("biomarker = modifier, below_lod = False, low = 30.0", "count", "complementary") in (
        suppressed(log)
    )
    cuts = pd.DataFrame(
        {
            "role": ["exposure"] * 4 + ["modifier"] * 3,
            "column": ["il1b"] * 4 + ["bdnf"] * 3,
            "cut": ["lod", "median", "tertile_1", "tertile_2", "median", "tertile_1", "tertile_2"],
            "value": [0.1, 0.3, 0.2, 0.4, 25.0, 20.0, 30.0],
        }
    )
    figure = figures_cohort.biomarker_figure(protected, cuts, DEFAULT_PAIR, STYLE)
    labels = [text.get_text() for text in figure.findobj(Text)]
    assert "Below LOD, n = suppressed" in labels
    assert labels.count(figures_cohort.NOT_DRAWN_NOTE) == 2
    heights = [bar.get_height() for axes in figure.axes for bar in axes.patches]
    assert sorted(heights) == [0, 0, 0, 0, 30, 40, 50]


def stratified_models(counts: dict[tuple[str, str], tuple[int, int]]) -> pd.DataFrame:
    """A stratified models table: two coefficient rows per (stratum, model) with n, n_events."""
    rows = [
        (stratum, model, term, 0.5, n, n_events)
        for (stratum, model), (n, n_events) in counts.items()
        for term in ["intercept", "exposure_high"]
    ]
    columns = ["stratum", "model", "term", "estimate", "n", "n_events"]
    return pd.DataFrame(rows, columns=columns)


def test_small_stratum_counts_are_hidden_in_every_model_and_margin() -> None:
    # Step 3's events are small in every model (4, 1, 3); the whole-sample events of each
    # model (public) minus step 1's would give them away, so step 1's 30, 10 and 20 go too.
    # Every n stays: with the events hidden, n − events reveals nothing.
    models = stratified_models(
        {
            ("step=1", "product"): (80, 30),
            ("step=3", "product"): (20, 4),
            ("step=1", "stratum_modifier_low"): (40, 10),
            ("step=1", "stratum_modifier_high"): (40, 20),
            ("step=3", "stratum_modifier_low"): (12, 1),
            ("step=3", "stratum_modifier_high"): (8, 3),
        }
    )
    protected, log = privacy.protect(models, privacy.MODEL_COUNTS, 5, "models")
    shown = protected.drop_duplicates(["stratum", "model"]).set_index(["stratum", "model"])
    assert shown["estimate"].eq(0.5).all()  # estimates stay
    assert shown["n_events"].isna().to_dict() == {
        ("step=1", "product"): True,
        ("step=3", "product"): True,
        ("step=1", "stratum_modifier_low"): True,
        ("step=1", "stratum_modifier_high"): True,
        ("step=3", "stratum_modifier_low"): True,
        ("step=3", "stratum_modifier_high"): True,
    }
    assert not shown["n"].isna().any()  # the non-events stay hidden behind the events
    assert protected["suppressed"].all()
    assert ("stratum = step=3, model = product", "n_events", "primary") in suppressed(log)


def test_sensitivity_counts_follow_the_models_table() -> None:
    table = pd.DataFrame(
        {
            "analysis": ["by_step"] * 4 + ["primary"] * 2,
            "stratum": ["step=1", "step=1", "step=3", "step=3", "all", "all"],
            "estimand": ["a", "b"] * 3,
            "n": [80, 80, 20, 20, 100, 100],
            "n_events": [30, 30, 4, 4, 34, 34],
            "evalue": [1.5] * 6,
        }
    )
    models = stratified_models({("step=1", "product"): (80, 30), ("step=3", "product"): (20, 4)})
    protected_models, _ = privacy.protect(models, privacy.MODEL_COUNTS, 5, "models")
    primary = stratified_models({("all", "product"): (100, 34)})
    sources = {"by_step": (protected_models, "by_step/models.tsv"), "primary": (primary, "p")}
    protected, log = protected_sensitivity(table, sources, 5, "sensitivity")
    assert protected["n_events"].isna().tolist() == [True] * 4 + [False] * 2
    assert protected["n"].tolist() == table["n"].tolist()
    assert protected["evalue"].tolist() == [1.5] * 6  # computed before, kept
    assert protected["suppressed"].tolist() == [True] * 4 + [False] * 2
    assert set(log["reason"]) == {"complementary: suppressed in by_step/models.tsv"}
    assert sorted(log["row"]) == [f"analysis = by_step, stratum = step={k}" for k in [1, 3]]
    unchanged, empty = protected_sensitivity(table, sources, None, "sensitivity")
    assert unchanged is table and empty.empty


def test_report_pages_name_suppressed_model_counts() -> None:
    models = stratified_models({("step=1", "product"): (80, 30), ("step=3", "product"): (20, 4)})
    protected, _ = privacy.protect(models, privacy.MODEL_COUNTS, 5, "models")
    assert count_column(protected, "n_events") == ["suppressed"] * 4
    assert count_column(protected, "n") == ["80", "80", "20", "20"]
    assert count_column(models.assign(n=[None] * 4), "n") == [""] * 4  # no count, not hidden
