"""Imputed data sets held once (observed data, gap values) give the long format's data sets, one at
a time; the references are pandas operations on the long frame itself."""

import gzip

import numpy as np
import pandas as pd
import pytest
from interplay.imputation.chained import impute_sets
from interplay.imputation.imputed_sets import IMPUTATION_COLUMN, imputed_sets_of_long
from interplay.models.sequences import LazySequence
from interplay.tables import FLOAT_FORMAT, MISSING_TEXT, write_table_parts

N = 120
M = 4


def data() -> pd.DataFrame:
    """Patients with gaps in a float, a 0/1 and a text column."""
    rng = np.random.default_rng(5)
    gaps = rng.random((3, N)) < 0.25
    x = rng.normal(size=N)
    return pd.DataFrame(
        {
            "patient_id": [f"P{i:03d}" for i in range(N)],
            "y": (rng.random(N) < 0.4).astype(float),
            "x": np.where(gaps[0], np.nan, x),
            "z": np.where(gaps[1], np.nan, (x + rng.normal(size=N) > 0).astype(float)),
            "sex": pd.Series(np.where(gaps[2], None, rng.choice(["female", "male"], N))),
            "stratum": rng.integers(1, 4, N),
        }
    )


def imputed():
    """Four imputations of data()."""
    return impute_sets(data(), ["x", "z", "sex"], ["y", "x", "z", "sex"], M, 3, seed=2)


def test_each_data_set_is_its_block_of_the_long_format():
    sets = imputed()
    long = sets.long_frame()
    assert list(long[IMPUTATION_COLUMN].unique()) == list(range(M + 1))
    for number, block in long.groupby(IMPUTATION_COLUMN):
        pd.testing.assert_frame_equal(
            sets.data_set(number), block.reset_index(drop=True), check_exact=True
        )
    assert [len(s) for s in sets] == [N] * M
    assert sets[-1].equals(sets.data_set(M))
    with pytest.raises(IndexError):
        sets[M]


def test_a_long_frame_reads_back_as_itself_even_where_an_imputation_changes_a_value():
    long = imputed().long_frame()
    long.loc[N + 3, "stratum"] = 9  # tests of the analysis change observed values on purpose
    pd.testing.assert_frame_equal(imputed_sets_of_long(long).long_frame(), long, check_exact=True)


def test_a_subset_of_patients_is_the_long_frame_filtered_by_patient():
    sets = imputed()
    keep = sets.observed["stratum"].eq(2).to_numpy()
    long = sets.long_frame()
    wanted = long[long["patient_id"].isin(sets.observed["patient_id"][keep])]
    pd.testing.assert_frame_equal(
        sets.of_rows(keep).long_frame(), wanted.reset_index(drop=True), check_exact=True
    )


def test_the_parts_write_the_bytes_pandas_writes_for_the_whole_table(tmp_path):
    """The long CSV written a data set at a time is the file to_csv writes of the long frame."""
    sets = imputed()
    path = tmp_path / "imputed.csv.gz"
    write_table_parts(sets.blocks(), path, 1)
    reference = tmp_path / "reference" / "imputed.csv.gz"
    reference.parent.mkdir()
    sets.long_frame().to_csv(
        reference,
        sep=",",
        index=False,
        float_format=FLOAT_FORMAT,
        na_rep=MISSING_TEXT,
        lineterminator="\n",
        compression={"method": "gzip", "mtime": 0, "compresslevel": 1},
    )
    assert path.read_bytes() == reference.read_bytes()
    assert gzip.decompress(path.read_bytes()).count(b"\n") == (M + 1) * N + 1


def test_a_lazy_sequence_computes_each_item_once_per_pass_of_two_zipped_views():
    calls = []
    items = LazySequence(range(5), lambda i: calls.append(i) or i * 10)
    doubled = LazySequence(items, lambda v: 2 * v)
    halved = LazySequence(items, lambda v: v / 2)
    assert [(a, b) for a, b in zip(doubled, halved, strict=True)] == [
        (0, 0), (20, 5), (40, 10), (60, 15), (80, 20)
    ]  # fmt: skip
    assert calls == [0, 1, 2, 3, 4]
