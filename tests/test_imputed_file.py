"""The .npz imputed-data file reads back exactly what was written: every value's bits and dtype."""

import numpy as np
import pandas as pd
import pytest
from interplay.imputation.imputed_sets import imputed_sets_of_long
from interplay.jobs.imputed_file import read_imputed_file, write_imputed_file
from interplay.tables import read_table, write_table

N = 50
M = 3


def observed() -> pd.DataFrame:
    """Patients with gaps in a float, a text and a 0/1 column; values needing all 17 digits."""
    rng = np.random.default_rng(11)
    gaps = rng.random((3, N)) < 0.2
    return pd.DataFrame(
        {
            "patient_id": pd.Series([f"P{i:03d}" for i in range(N)], dtype="str"),
            "age": rng.integers(20, 80, N),
            "bdnf": np.where(gaps[0], np.nan, rng.normal(25, 6, N) / 3),
            "sex": pd.Series(
                np.where(gaps[1], None, rng.choice(["female", "male"], N)), dtype="str"
            ),
            "unmarried": np.where(gaps[2], np.nan, rng.integers(0, 2, N).astype(float)),
            "completer": rng.random(N) < 0.5,
        }
    )


def long_imputations(data: pd.DataFrame, m: int) -> pd.DataFrame:
    """Long format as impute_sets gives it, each gap filled by a random observed value."""
    rng = np.random.default_rng(12)
    copies = [data]
    for _ in range(m):
        copy = data.copy()
        for column in ["bdnf", "sex", "unmarried"]:
            gaps = copy[column].isna().to_numpy()
            copy.loc[gaps, column] = rng.choice(data[column].dropna().to_numpy(), gaps.sum())
        copies.append(copy)
    long = pd.concat(copies, ignore_index=True)
    long.insert(0, ".id", np.tile(data.index.to_numpy(), m + 1))
    long.insert(0, ".imp", np.repeat(np.arange(m + 1), len(data)))
    return long


def test_every_value_and_dtype_reads_back_as_written(tmp_path):
    written = long_imputations(observed(), M)
    write_imputed_file(imputed_sets_of_long(written), tmp_path / "imputed.npz")
    back = read_imputed_file(tmp_path / "imputed.npz").long_frame()
    pd.testing.assert_frame_equal(back, written, check_exact=True)
    assert back["bdnf"].to_numpy().tobytes() == written["bdnf"].to_numpy().tobytes()


def test_the_file_holds_the_values_of_the_long_csv_when_they_have_ten_digits(tmp_path):
    """Values read from a CSV (as the analysis dataset is) give the same frame from either file."""
    write_table(observed(), tmp_path / "dataset.csv")
    written = long_imputations(read_table(tmp_path / "dataset.csv"), M)
    write_table(written, tmp_path / "imputed.csv.gz")
    write_imputed_file(imputed_sets_of_long(written), tmp_path / "imputed.npz")
    pd.testing.assert_frame_equal(
        read_imputed_file(tmp_path / "imputed.npz").long_frame(),
        read_table(tmp_path / "imputed.csv.gz"),
        check_exact=True,
    )


def test_gaps_left_open_stay_missing(tmp_path):
    data = observed().assign(living_alone=np.where(np.arange(N) % 4 == 0, np.nan, 1.0))
    written = long_imputations(data, M)
    write_imputed_file(imputed_sets_of_long(written), tmp_path / "imputed.npz")
    back = read_imputed_file(tmp_path / "imputed.npz").long_frame()
    assert back["living_alone"].isna().sum() == (M + 1) * len(range(0, N, 4))


def test_an_imputation_changing_an_observed_value_is_not_written(tmp_path):
    written = long_imputations(observed(), M)
    written.loc[N + 1, "age"] += 1
    with pytest.raises(ValueError, match="changes an observed value"):
        write_imputed_file(imputed_sets_of_long(written), tmp_path / "imputed.npz")
