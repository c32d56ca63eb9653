"""Small-cell suppression (config privacy.min_cell_count): crafted tables with answers by hand."""

from pathlib import Path

import pandas as pd
from interplay import privacy
from interplay.table1 import protected_table1
from interplay.tables import read_table, write_table

PRIMARY = "below the minimum cell count (5)"


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
    assert protected["suppressed"].tolist() == ["FALSE", "TRUE", "TRUE", "FALSE"]
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
            "il1b_level": ["low", "low", "high", "high"],
            "bdnf_level": ["low", "high", "low", "high"],
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
        (f"stratum = all, il1b_level = {il1b}, bdnf_level = {bdnf}", column, kind)
        for (il1b, bdnf), kind in cells.items()
        for column in ["n", "remitters", "non_remitters"]
    ]
    assert suppressed(log) == sorted(expected)
    counts = protected[["n", "remitters", "non_remitters"]]
    assert counts.isna().all(axis=1).tolist() == [True, True, False, False, True]
    assert protected["suppressed"].tolist() == ["TRUE", "TRUE", "FALSE", "FALSE", "TRUE"]


def test_zero_is_shown_and_not_chosen_while_a_positive_cell_is_left() -> None:
    joint = pd.DataFrame(
        {
            "stratum": "all",
            "il1b_level": ["low", "low", "high", "high"],
            "bdnf_level": ["low", "high", "low", "high"],
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
    assert (tmp_path / "flow.tsv").read_text().splitlines()[2] == "a\t\t\tTRUE"
    back = read_table(tmp_path / "flow.tsv")
    assert back["n"].dtype == "float64" and back["suppressed"].dtype == bool
    assert [privacy.count_text(n, thousands=True) for n in back["n"]] == ["50", "suppressed", "40"]
