"""Damaged intermediates are refused with the file, what is wrong and how to re-create it."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from interplay.bootstrap.replicates import replicates_of_shard
from interplay.errors import InputError
from interplay.imputation.imputed_sets import imputed_sets_of_long
from interplay.jobs.imputed_file import write_imputed_file
from interplay.jobs.intermediates import read_dataset, read_imputations, read_shard, read_shards
from interplay.tables import read_table, write_table

N = 300


def dataset() -> pd.DataFrame:
    """A small analysis dataset with a gap, as the data rules write it."""
    rng = np.random.default_rng(5)
    return pd.DataFrame(
        {
            "patient_id": [f"P{i:04d}" for i in range(N)],
            "age": rng.integers(20, 80, N),
            "education_years": np.where(rng.random(N) < 0.1, np.nan, rng.integers(6, 18, N)),
            "outcome": rng.integers(0, 2, N),
            "bdnf": rng.normal(25, 6, N).round(2),
        }
    )


def imputations(data: pd.DataFrame, m: int) -> pd.DataFrame:
    """Long-format imputations .imp 0 (observed) .. m."""
    filled = data.assign(education_years=data["education_years"].fillna(12))
    copies = [data, *[filled] * m]
    return pd.concat([c.assign(**{".imp": i}) for i, c in enumerate(copies)], ignore_index=True)


def shard(replicates: range, imputations: int) -> pd.DataFrame:
    """A bootstrap shard's replicate table."""
    copies = range(1, imputations + 1) if imputations else [0]
    pairs = [(r, i) for r in replicates for i in copies]
    return pd.DataFrame(
        {
            "replicate": [p[0] for p in pairs],
            "imputation": [p[1] for p in pairs],
            "status/product": "converged",
            "models/product/exposure_high": np.linspace(-1, 1, len(pairs)),
        }
    )


def cut(path: Path, keep: float) -> None:
    """Keep the first share of the file's bytes, as a full disk or interrupted copy leaves it."""
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * keep)])


def damage_message(read, *arguments) -> str:
    with pytest.raises(InputError) as error:
        read(*arguments)
    message = error.value.message()
    assert f"intermediate {arguments[0]} is damaged" in message
    assert f"--forcerun {arguments[0]}`" in message and "delete it and rerun" in message
    return message


def test_whole_intermediates_read_back_unchanged(tmp_path):
    data = dataset()
    write_table(data, tmp_path / "analysis_dataset.csv")
    write_imputed_file(imputed_sets_of_long(imputations(data, 4)), tmp_path / "imputed.npz")
    write_table(shard(range(10, 20), 2), tmp_path / "shard_1.tsv.gz")
    back = read_dataset(tmp_path / "analysis_dataset.csv")
    pd.testing.assert_frame_equal(back, data, check_dtype=False)
    assert len(read_imputations(tmp_path / "imputed.npz", back, 4).long_frame()) == 5 * N
    assert len(read_shard(tmp_path / "shard_1.tsv.gz", range(10, 20), 2)) == 20


def test_dataset_cut_mid_line(tmp_path):
    path = tmp_path / "analysis_dataset.csv"
    write_table(dataset(), path)
    cut(path, 0.6)
    assert "(its last line is incomplete)" in damage_message(read_dataset, path)


def test_dataset_with_rows_copied_twice(tmp_path):
    path = tmp_path / "analysis_dataset.csv"
    write_table(dataset(), path)
    body = path.read_text().split("\n", 1)[1]
    with path.open("a") as handle:  # an interrupted copy resumed from the start
        handle.write(body[:4000].rsplit("\n", 1)[0] + "\n")
    assert "patient row(s) occur twice" in damage_message(read_dataset, path)


def test_empty_file(tmp_path):
    path = tmp_path / "analysis_dataset.csv"
    path.write_bytes(b"")
    assert "(it is empty)" in damage_message(read_dataset, path)


def test_file_left_with_zero_bytes_after_a_crash(tmp_path):
    path = tmp_path / "analysis_dataset.csv"
    write_table(dataset(), path)
    raw = path.read_bytes()
    path.write_bytes(raw[:2000] + b"\x00" * (len(raw) - 2000))
    assert "unwritten" in damage_message(read_dataset, path)


def test_truncated_imputed_file(tmp_path):
    data = dataset()
    path = tmp_path / "imputed.npz"
    write_imputed_file(imputed_sets_of_long(imputations(data, 4)), path)
    cut(path, 0.5)
    message = damage_message(read_imputations, path, data, 4)
    assert "it is not a whole .npz file" in message


def test_imputed_file_with_a_changed_byte(tmp_path):
    """A byte flipped inside the stored values fails the zip member's CRC-32."""
    data = dataset()
    path = tmp_path / "imputed.npz"
    write_imputed_file(imputed_sets_of_long(imputations(data, 4)), path)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 3] ^= 0xFF
    path.write_bytes(bytes(raw))
    assert "it is not a whole .npz file" in damage_message(read_imputations, path, data, 4)


def test_whole_file_with_half_the_imputations(tmp_path):
    """A whole imputed.npz holding imputations 1–10 of 20 is refused."""
    data = dataset()
    path = tmp_path / "imputed.npz"
    write_imputed_file(imputed_sets_of_long(imputations(data, 10)), path)
    message = damage_message(read_imputations, path, data, 20)
    assert "holds imputations 1–10, missing_data.m asks for 1–20 (missing 11–20)" in message


def test_imputed_file_whose_arrays_do_not_fit(tmp_path):
    data = dataset()
    path = tmp_path / "imputed.npz"
    write_imputed_file(imputed_sets_of_long(imputations(data, 3)), path)
    with np.load(path) as stored:
        arrays = {key: stored[key] for key in stored.files}
    gaps = next(key for key in arrays if key.endswith("/gaps") and arrays[key].size)
    arrays[gaps] = arrays[gaps][:-7]
    np.savez(path, **arrays)
    assert "its arrays do not fit together" in damage_message(read_imputations, path, data, 3)


def test_imputations_from_another_dataset(tmp_path):
    data = dataset()
    path = tmp_path / "imputed.npz"
    write_imputed_file(imputed_sets_of_long(imputations(data.iloc[:-1], 3)), path)
    assert "imputation 0 does not hold" in damage_message(read_imputations, path, data, 3)


def test_shard_with_missing_replicates(tmp_path):
    path = tmp_path / "shard_0.tsv.gz"
    frame = shard(range(0, 50), 2)
    write_table(frame[~frame["replicate"].between(20, 24)], path)
    message = damage_message(read_shard, path, range(0, 50), 2)
    assert "replicates 20–24 of its range 0–49 are missing" in message


def test_shard_with_a_missing_imputation_of_one_replicate(tmp_path):
    path = tmp_path / "shard_0.tsv.gz"
    frame = shard(range(0, 50), 2)
    write_table(frame.drop(index=7), path)
    assert "replicates 3 of its range" in damage_message(read_shard, path, range(0, 50), 2)


def test_shard_with_repeated_or_foreign_replicates(tmp_path):
    path = tmp_path / "shard_0.tsv.gz"
    frame = shard(range(0, 10), 0)
    write_table(pd.concat([frame, frame.iloc[:2]]), path)
    assert "occur more than once" in damage_message(read_shard, path, range(0, 10), 0)
    write_table(shard(range(0, 12), 0), path)
    assert "outside its range 0–9 (10–11)" in damage_message(read_shard, path, range(0, 10), 0)


def test_shards_are_checked_against_the_ranges_the_shard_jobs_compute(tmp_path):
    paths = []
    for index in range(3):
        paths.append(tmp_path / f"shard_{index}.tsv.gz")
        write_table(shard(replicates_of_shard(N, 40, 3, 2, index), 2), paths[-1])
    assert sorted(read_shards(paths, N, 40, 2)["replicate"].unique()) == list(range(40))
    frame = read_table(paths[1])
    write_table(frame[frame["replicate"] != frame["replicate"].max()], paths[1])
    with pytest.raises(InputError, match=f"intermediate {paths[1]} is damaged"):
        read_shards(paths, N, 40, 2)


def test_result_table_cut_mid_line(tmp_path):
    path = tmp_path / "models.tsv"
    write_table(dataset(), path)
    cut(path, 0.9)
    damage_message(read_table, path)
