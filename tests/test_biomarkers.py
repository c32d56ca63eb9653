"""Below-LOD handling, codings and cut-points, against hand-derived values."""

import math

import numpy as np
import pandas as pd
import pytest
from interplay.data.biomarkers import (
    add_codings,
    cutpoints,
    has_exposure_and_modifier,
    lod_divisor,
    log_outliers,
    median_split,
    substitute_below_lod,
    tertile,
)
from interplay.errors import InputError
from interplay.jobs.settings import merge_settings
from pairs import CONFIG, DEFAULT_PAIR

# The shipped pair (IL-1β with LOD 0.1 pg/mL × BDNF), below-LOD values as LOD / √2.
SETTINGS = merge_settings(CONFIG["pair"], {"exposure": {"lod": 0.1}, "below_lod": "lod_sqrt2"})


def with_lod(lod: float) -> dict:
    """SETTINGS with another configured IL-1β limit of detection."""
    return merge_settings(SETTINGS, {"exposure": {"lod": lod}})


def flags(values: pd.Series) -> list:
    """An Int64 column as a list with None for <NA>."""
    return [None if pd.isna(v) else int(v) for v in values]


def biomarker_table(written_limits: tuple = (np.nan, np.nan)) -> pd.DataFrame:
    """Four patients: two below the LOD (written <LOD unless limits are given), one missing."""
    return pd.DataFrame(
        {
            "patient_id": ["a", "b", "c", "d"],
            "il1b": [0.5, np.nan, np.nan, np.nan],
            "il1b_below_lod": [0, 1, 1, 0],
            "il1b_lod": [np.nan, *written_limits, np.nan],
            "bdnf": [20.0, 21.0, np.nan, 23.0],
        }
    )


@pytest.mark.parametrize(
    ("rule", "lod", "expected"),
    [
        ("lod_sqrt2", 0.1, math.sqrt(0.005)),  # 0.1/√2 = √(0.01/2)
        ("lod_half", 0.1, 0.05),
        ("lod_sqrt2", 0.2, math.sqrt(0.02)),
        ("lod_half", 0.25, 0.125),
    ],
)
def test_substitute_value(rule, lod, expected):
    settings = {**with_lod(lod), "below_lod": rule}
    table = substitute_below_lod(biomarker_table(), settings)
    assert table["il1b"].tolist()[:3] == pytest.approx([0.5, expected, expected])
    assert math.isnan(table["il1b"].iloc[3])  # missing without the below-LOD flag stays missing


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # <0.2 and <0.05 keep their own limits whatever il1b_lod (0.1) says.
        ("lod_sqrt2", [0.5, 0.2 / math.sqrt(2), 0.05 / math.sqrt(2)]),
        ("lod_half", [0.5, 0.1, 0.025]),
    ],
)
def test_written_limit_is_the_truth_for_its_cell(rule, expected):
    table = substitute_below_lod(biomarker_table((0.2, 0.05)), {**SETTINGS, "below_lod": rule})
    assert table["il1b"].tolist()[:3] == pytest.approx(expected)
    assert table["il1b_lod"].tolist()[1:3] == [0.2, 0.05]
    assert table["il1b_lod"].iloc[[0, 3]].isna().all()  # measured or missing: no limit


def test_cell_written_lod_takes_the_configured_limit():
    table = substitute_below_lod(biomarker_table((np.nan, 0.2)), with_lod(0.05))
    assert table["il1b_lod"].tolist()[1:3] == [0.05, 0.2]
    assert table["il1b"].tolist()[1:3] == pytest.approx([0.05 / math.sqrt(2), 0.2 / math.sqrt(2)])


def test_exclude_rule_leaves_below_lod_missing():
    table = substitute_below_lod(biomarker_table(), {**SETTINGS, "below_lod": "exclude"})
    assert lod_divisor({**SETTINGS, "below_lod": "exclude"}) is None
    assert table["il1b"].isna().tolist() == [False, True, True, True]
    assert table["il1b_lod"].tolist()[1:3] == [0.1, 0.1]


def test_unknown_rule_is_an_input_error():
    with pytest.raises(InputError, match="below_lod"):
        lod_divisor({**SETTINGS, "below_lod": "zero"})


def test_below_lod_counts_as_measured():
    assert has_exposure_and_modifier(biomarker_table(), DEFAULT_PAIR).tolist() == [
        True,
        True,
        False,
        False,
    ]


def test_median_split_ties_go_low():
    # Median of 1, 2, 2, 2, 3 is 2: only the value strictly above it is high.
    assert flags(median_split(pd.Series([2.0, 1, 2, 3, 2]))) == [0, 0, 0, 1, 0]
    # Even n: median (2 + 3) / 2 = 2.5 splits 2 / 2.
    assert flags(median_split(pd.Series([4.0, 1, 3, 2]))) == [1, 0, 1, 0]
    assert flags(median_split(pd.Series([1.0, np.nan, 3]))) == [0, None, 1]


def test_tertiles_by_hand():
    # 1..9: type-7 quantiles at 1/3 and 2/3 are 1 + 8/3 and 1 + 16/3 → 3 values per tertile.
    assert flags(tertile(pd.Series(np.arange(1.0, 10)))) == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    # 1, 1, 1, 1, 2, 3: cuts 1 (position 5/3) and 1 + 1/3 (position 10/3); tied 1s share tertile 1.
    assert flags(tertile(pd.Series([1.0, 1, 1, 1, 2, 3]))) == [1, 1, 1, 1, 3, 3]
    assert flags(tertile(pd.Series([5.0, np.nan, 1, 9]))) == [2, None, 1, 3]


def test_codings_by_hand():
    data = pd.DataFrame({"il1b": [0.25, 0.5, 1.0, 4.0], "bdnf": [10.0, 20.0, 30.0, 20.0]})
    coded = add_codings(data, DEFAULT_PAIR)
    assert coded["exposure_scaled"].tolist() == pytest.approx([-2, -1, 0, 2])
    # BDNF mean 20, SD sqrt(200/3).
    assert coded["modifier_scaled"].tolist() == pytest.approx(
        [-10 / math.sqrt(200 / 3), 0, 10 / math.sqrt(200 / 3), 0]
    )
    assert flags(coded["exposure_high"]) == [0, 0, 1, 1]
    assert flags(coded["modifier_high"]) == [0, 0, 1, 0]


def test_log_outliers_by_hand():
    # Logs 0 (× 9) and 10: mean 1, SD sqrt((9 × 1 + 81) / 9) = sqrt(10), z = 9 / sqrt(10) ≈ 2.846.
    data = pd.DataFrame({"il1b": np.exp([0.0] * 9 + [10.0]), "bdnf": 20.0 + np.arange(10)})
    z = 9 / math.sqrt(10)
    assert log_outliers(data, DEFAULT_PAIR, z - 0.01).tolist() == [False] * 9 + [True]
    assert not log_outliers(data, DEFAULT_PAIR, z + 0.01).any()


def measured(il1b: np.ndarray, bdnf: np.ndarray) -> pd.DataFrame:
    """An analytic sample in which every IL-1β was measured."""
    return pd.DataFrame({"il1b": il1b, "il1b_below_lod": 0, "il1b_lod": np.nan, "bdnf": bdnf})


def test_cutpoints_table():
    data = measured(np.arange(1.0, 10), np.arange(11.0, 20))
    raw = cutpoints(data, SETTINGS)
    roles = raw.groupby("column")["role"].unique().map(list).to_dict()
    assert roles == {"il1b": ["exposure"], "bdnf": ["modifier"]}
    table = raw.drop(columns="role").set_index(["column", "coding", "cut"])
    assert list(table.columns) == ["value", "unit", "lod", "n_patients"]
    value = table["value"]
    # No below-LOD patient: the configured limit with 0 patients.
    assert value[("il1b", "below_lod", "lod")] == 0.1
    assert value[("il1b", "below_lod", "substitute")] == pytest.approx(math.sqrt(0.005))
    assert table.loc[("il1b", "below_lod", "lod"), "n_patients"] == 0
    assert value[("il1b", "median", "median")] == 5
    assert value[("il1b", "tertiles", "tertile_1")] == pytest.approx(1 + 8 / 3)
    assert value[("bdnf", "tertiles", "tertile_2")] == pytest.approx(11 + 16 / 3)
    assert value[("bdnf", "continuous", "mean")] == 15
    assert value[("bdnf", "continuous", "sd")] == pytest.approx(math.sqrt(7.5))
    assert table.loc[("bdnf", "median", "median"), "unit"] == "ng/mL"
    excluded = cutpoints(data, {**SETTINGS, "below_lod": "exclude"})
    assert "substitute" not in set(excluded["cut"])


def test_cutpoints_list_every_limit_with_its_substitute_and_patients():
    data = measured(np.arange(1.0, 10), np.arange(11.0, 20))
    data.loc[:4, "il1b_below_lod"] = 1
    data.loc[:4, "il1b_lod"] = [0.2, 0.1, 0.2, 0.2, 0.1]  # e.g. two assay batches
    data = substitute_below_lod(data, {**SETTINGS, "below_lod": "lod_half"})
    table = cutpoints(data, {**SETTINGS, "below_lod": "lod_half"})
    lod_rows = table.loc[table["coding"] == "below_lod"]
    assert lod_rows[["cut", "value", "lod", "n_patients"]].values.tolist() == [
        ["lod", 0.1, 0.1, 2],
        ["substitute", 0.05, 0.1, 2],
        ["lod", 0.2, 0.2, 3],
        ["substitute", 0.1, 0.2, 3],
    ]
    assert table.loc[table["coding"] != "below_lod", "n_patients"].isna().all()
