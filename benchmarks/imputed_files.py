"""Benchmark of the imputed-data files (not a test): writing and reading m imputed sets of n rows.

    python benchmarks/imputed_files.py [--patients 100000] [--m 20]

The long gzip CSV that R's mice::as.mids reads (tables.write_table at gzip levels 9, the
default, 6 and 1; read back by tables.read_table) against the .npz file the workflow's jobs read
(jobs.imputed_file: the observed data once and each imputation's values of its gaps). The gaps of
the synthetic cohort are filled by draws from each variable's observed values, as predictive mean
matching fills them from donors, so the files hold what the workflow's imputations hold.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from interplay.imputation.chained import IMPUTATION_COLUMN, ROW_ID_COLUMN  # noqa: E402
from interplay.imputation.imputed_sets import imputed_sets_of_long  # noqa: E402
from interplay.jobs.imputed_file import read_imputed_file, write_imputed_file  # noqa: E402
from interplay.synthetic.dataset import synthetic_analysis_dataset  # noqa: E402
from interplay.tables import read_table, write_table  # noqa: E402

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
SEED = 20250304
GZIP_LEVELS = [9, 6, 1]


def hot_deck_imputations(dataset: pd.DataFrame, m: int) -> pd.DataFrame:
    """m copies of dataset in long format (.imp 0 as observed), each gap a random observed value."""
    rng = np.random.default_rng(SEED)
    copies = [dataset]
    for _ in range(m):
        copy = dataset.copy()
        for column in dataset.columns[dataset.isna().any()]:
            gaps = copy[column].isna().to_numpy()
            copy.loc[gaps, column] = rng.choice(dataset[column].dropna().to_numpy(), gaps.sum())
        copies.append(copy)
    long = pd.concat(copies, ignore_index=True)
    long.insert(0, ROW_ID_COLUMN, np.tile(dataset.index.to_numpy(), m + 1))
    long.insert(0, IMPUTATION_COLUMN, np.repeat(np.arange(m + 1), len(dataset)))
    return long


def seconds(function, *arguments):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = function(*arguments)
    return time.perf_counter() - start, result


def main() -> None:
    """Print seconds and MB of each file form."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--m", type=int, default=20)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        dataset, _ = synthetic_analysis_dataset(
            folder / "cohort",
            CONFIG,
            REPO / "resources" / "data_dictionary.tsv",
            n_patients=arguments.patients,
            seed=SEED,
        )
        write_table(dataset, folder / "dataset.csv")
        dataset = read_table(folder / "dataset.csv")
        imputed = hot_deck_imputations(dataset, arguments.m)
        print(f"{arguments.m} imputed sets of {len(dataset):,} rows ({len(imputed):,} long rows)")
        print(f"{'file':<34}{'write s':>9}{'read s':>9}{'MB':>9}")
        for level in GZIP_LEVELS:
            path = folder / f"imputed_{level}.csv.gz"
            written, _ = seconds(write_table, imputed, path, level)
            read, back = seconds(read_table, path)
            size = path.stat().st_size / 1e6
            label = f"imputed.csv.gz, gzip level {level}"
            print(f"{label:<34}{written:9.2f}{read:9.2f}{size:9.1f}")
        path = folder / "imputed.npz"
        written, _ = seconds(write_imputed_file, imputed_sets_of_long(imputed), path)
        read, again = seconds(read_imputed_file, path)
        again = again.long_frame()
        size = path.stat().st_size / 1e6
        print(f"{'imputed.npz':<34}{written:9.2f}{read:9.2f}{size:9.1f}")
        pd.testing.assert_frame_equal(again, imputed, check_exact=True)
        pd.testing.assert_frame_equal(back, imputed, check_exact=True)
        print("both read back equal to the imputations written (exact values and dtypes)")


if __name__ == "__main__":
    main()
