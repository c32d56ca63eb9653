"""What a job checks in the intermediates it reads: each holds everything its producer wrote.

A file can be whole as a file (tables.read_table checks that) and still miss content: a valid gzip
of imputed.npz with 10 of 20 imputations, a bootstrap shard without some replicates, an analysis
dataset with a repeated or blank patient row. Each check raises tables.damaged with what is wrong.
"""

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from interplay.bootstrap.replicates import REPLICATE, SHARD_IMPUTATION, replicates_of_shard
from interplay.imputation.imputed_sets import ImputedSets
from interplay.jobs.imputed_file import read_imputed_file
from interplay.tables import damaged, read_table


def ranges_text(numbers: Sequence[int]) -> str:
    """Sorted integers as runs, e.g. '1–10, 12'."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)


def check_dataset(dataset: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """The analysis dataset, provided every row has a patient ID and no ID occurs twice."""
    if "patient_id" not in dataset.columns:
        raise damaged(path, "it has no patient_id column")
    blank = dataset["patient_id"].isna()
    if blank.any():
        raise damaged(path, f"{blank.sum()} row(s) have no patient_id")
    repeated = dataset["patient_id"].duplicated()
    if repeated.any():
        raise damaged(path, f"{repeated.sum()} patient row(s) occur twice")
    return dataset


def read_dataset(path: str | Path) -> pd.DataFrame:
    """Read the analysis dataset written by the workflow's data rules, refusing a damaged one."""
    return check_dataset(read_table(path), path)


def check_imputations(
    imputed: ImputedSets, dataset: pd.DataFrame, m: int, path: str | Path
) -> ImputedSets:
    """Imputed data sets, provided they are sets 1..m, each with every dataset patient once."""
    if imputed.m != m:
        held = ranges_text(range(1, imputed.m + 1))
        missing = ranges_text(range(imputed.m + 1, m + 1))
        raise damaged(
            path,
            f"it holds imputations {held or 'none'}, missing_data.m asks for 1–{m}"
            + (f" (missing {missing})" if missing else ""),
        )
    if "patient_id" in imputed.gaps:
        raise damaged(path, "its imputations fill gaps in patient_id")
    patients = sorted(dataset["patient_id"].astype(str))
    if sorted(imputed.observed["patient_id"].astype(str)) != patients:
        raise damaged(
            path,
            f"imputation 0 does not hold the dataset's {len(patients)} patients "
            f"once each ({len(imputed.observed)} rows)",
        )
    return imputed


def read_imputations(path: str | Path, dataset: pd.DataFrame, m: int) -> ImputedSets:
    """Read imputed.npz, refusing it unless it holds imputations 1..m of every patient."""
    return check_imputations(read_imputed_file(path), dataset, m, path)


def check_shard(
    shard: pd.DataFrame, replicates: range, imputations: int, path: str | Path
) -> pd.DataFrame:
    """A bootstrap shard, provided each of its replicates (and imputations) occurs exactly once."""
    copies = range(1, imputations + 1) if imputations else range(1)
    expected = {(r, i) for r in replicates for i in copies}
    pairs = list(zip(shard[REPLICATE], shard[SHARD_IMPUTATION], strict=True))
    missing = sorted({r for r, _ in expected - set(pairs)})
    if missing:
        raise damaged(
            path,
            f"replicates {ranges_text(missing)} of its range "
            f"{replicates.start}–{replicates.stop - 1} are missing",
        )
    if len(pairs) != len(set(pairs)) or set(pairs) != expected:
        strays = sorted({r for r, _ in set(pairs) - expected})
        raise damaged(
            path,
            f"it holds replicates outside its range {replicates.start}–{replicates.stop - 1}"
            f" ({ranges_text(strays)})"
            if strays
            else "some replicates occur more than once",
        )
    return shard


def read_shard(path: str | Path, replicates: range, imputations: int) -> pd.DataFrame:
    """Read a bootstrap shard, refusing it unless it holds each of its replicates once."""
    return check_shard(read_table(path), replicates, imputations, path)


def read_shards(paths: Sequence[str], n: int, total: int, imputations: int) -> pd.DataFrame:
    """All shards of an analysis's bootstrap of n rows, each checked against its replicate range."""
    shards = [
        read_shard(path, replicates_of_shard(n, total, len(paths), imputations, index), imputations)
        for index, path in enumerate(paths)
    ]
    return pd.concat(shards, ignore_index=True)
