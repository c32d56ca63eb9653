"""Benchmark of the impute job's imputation (not a test): time and peak memory at a cohort size.

    python benchmarks/imputation.py [--n-patients 100000] [--m 20] [--iterations 10]

Simulates the synthetic cohort of that size once (its analysis dataset is kept in --cache), then,
as the impute job does, reads the analysis dataset and runs impute_analysis_dataset with the
primary covariates, printing the seconds and the process's peak resident memory. BLAS runs on
one thread and glibc keeps freed memory, as in a workflow job. Run it under `/usr/bin/time -v`
for the peak of the whole process.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

import yaml  # noqa: E402
from interplay.analysis import fit as analysis  # noqa: E402
from interplay.imputation.chained import impute_analysis_dataset  # noqa: E402
from interplay.jobs.allocator import keep_freed_memory  # noqa: E402
from interplay.jobs.intermediates import read_dataset  # noqa: E402
from interplay.synthetic.dataset import synthetic_analysis_dataset  # noqa: E402
from interplay.tables import write_table  # noqa: E402

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
SEED = 20250304
SECTIONS = ["outcome", "pair", "covariates", "missing_data", "models"]


def cached_dataset(n_patients: int, cache: Path) -> Path:
    """The path of the synthetic analysis dataset of n_patients, simulated on first use."""
    path = cache / f"analysis_dataset_{n_patients}.csv"
    if not path.exists():
        dataset = synthetic_analysis_dataset(
            cache / f"cohort_{n_patients}",
            CONFIG,
            REPO / "resources" / "data_dictionary.tsv",
            n_patients=n_patients,
            seed=SEED,
            missingness=True,
        )[0]
        write_table(dataset, path)
    return path


def main() -> None:
    """Impute the analysis dataset of the given size once and print time and peak memory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-patients", type=int, default=100_000)
    parser.add_argument("--m", type=int, default=CONFIG["missing_data"]["m"])
    parser.add_argument("--iterations", type=int, default=CONFIG["missing_data"]["iterations"])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/interplay-benchmark"))
    arguments = parser.parse_args()
    arguments.cache.mkdir(parents=True, exist_ok=True)
    path = cached_dataset(arguments.n_patients, arguments.cache)
    keep_freed_memory()
    started = time.perf_counter()
    dataset = read_dataset(path)
    covariates = analysis.read_plan({section: CONFIG[section] for section in SECTIONS}).covariates
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    long = impute_analysis_dataset(dataset, covariates, arguments.m, arguments.iterations, seed=1)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        f"n = {len(dataset)}, m = {arguments.m}, {arguments.iterations} cycles: read "
        f"{read_seconds:.1f} s, impute_analysis_dataset {seconds:.1f} s "
        f"({seconds / arguments.m:.2f} s per data set, {len(long)} long rows), "
        f"peak {peak:.2f} GB"
    )


if __name__ == "__main__":
    main()
