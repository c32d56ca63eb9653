"""Benchmark of the bootstrap engine (not a test): the same resamples both ways, times and ratios.

    python benchmarks/bootstrap.py [--replicates 2000] [--loop 200] [--imputed 25]

1. Logistic fits: the product model (16 parameters) in B resamples of the synthetic cohort,
   batched Newton–Raphson (interplay.models.batched) against a statsmodels Logit loop on the
   first --loop resamples written out row by row (largest coefficient difference printed).
2. Imputation: the analysis dataset's chained equations (10 cycles) on the same resamples,
   the batched imputer against statsmodels MICEData, and the impute job's path (m imputed copies
   of the whole dataset in long format, interplay.imputation.chained, on the same engine).
3. The replicates of the primary analysis as the workflow computes them, serially on one core:
   all ten models and every estimand for B complete-data resamples, and bootstrap-then-impute.
BLAS runs on one thread, as in a Snakemake job with threads: 1, and glibc keeps freed memory for
reuse as in every workflow job (interplay.jobs.allocator; --default-allocator measures without).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import copy
import resource
import sys
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import statsmodels.api as sm  # noqa: E402
import yaml  # noqa: E402
from interplay.analysis import fit as analysis  # noqa: E402
from interplay.bootstrap import estimands as est  # noqa: E402
from interplay.bootstrap import replicates as bs  # noqa: E402
from interplay.imputation import chained as impute  # noqa: E402
from interplay.imputation.batched import impute_stack  # noqa: E402
from interplay.jobs.allocator import keep_freed_memory  # noqa: E402
from interplay.synthetic.dataset import synthetic_analysis_dataset  # noqa: E402
from statsmodels.imputation.mice import MICEData  # noqa: E402

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
SECTIONS = ["outcome", "pair", "covariates", "missing_data", "models"]
SEED = 20250304
REPEATS = 5  # timings of the fast paths are medians of this many runs


def analysis_dataset(missingness: bool, n_patients: int = 1094) -> pd.DataFrame:
    """The synthetic cohort's analysis dataset (1,086 of 1,094 patients), with or without gaps."""
    with tempfile.TemporaryDirectory() as directory:
        return synthetic_analysis_dataset(
            Path(directory),
            CONFIG,
            REPO / "resources" / "data_dictionary.tsv",
            n_patients=n_patients,
            seed=SEED,
            missingness=missingness,
        )[0]


def settings(method: str) -> dict:
    """The shipped primary settings with the given missing-data method."""
    merged = {section: copy.deepcopy(CONFIG[section]) for section in SECTIONS}
    merged["missing_data"]["method"] = method
    return merged


def timed(function, *arguments, repeats: int = 1):
    """(median seconds over repeats, result of the last call): this VM's timings vary by ±10 %."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(*arguments)
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds)), result


def benchmark_fits(problem: bs.Problem, replicates: int, loop: int) -> None:
    """Batched product-model fits against a statsmodels loop on the same resamples."""
    spec = next(s for s in problem.blueprint.specs if s.name == "product")
    design = est.design(problem.rows.atoms, spec.terms)
    outcome = problem.rows.outcome
    n = len(outcome)
    counts = np.array(
        [
            np.bincount(bs.resample(bs.replicate_streams(SEED, "bench", r, 0)[0], n), minlength=n)
            for r in range(replicates)
        ],
        dtype=float,
    )
    size = bs.chunk_size(n)

    def batched():
        return np.concatenate(
            [
                est.fit_spec(
                    replace(problem.rows, weights=counts[c]), spec, problem.start["product"]
                ).estimates
                for c in bs.chunks(range(replicates), size)
            ]
        )

    batched_seconds, estimates = timed(batched, repeats=REPEATS)

    def statsmodels_loop():
        out = []
        for weights in counts[:loop]:
            rows = np.repeat(np.arange(n), weights.astype(int))
            out.append(
                sm.Logit(outcome[rows], design[rows]).fit(method="newton", disp=False).params
            )
        return np.array(out)

    loop_seconds, reference = timed(statsmodels_loop, repeats=REPEATS)
    per_fit = loop_seconds / loop
    print(f"1. Logistic fits: n = {n}, {len(spec.terms)} parameters, B = {replicates}")
    print(
        f"   batched Newton–Raphson      {batched_seconds:8.3f} s "
        f"({1e3 * batched_seconds / replicates:.3f} ms per fit)"
    )
    print(f"   statsmodels Logit loop      {per_fit * 1e3:8.3f} ms per fit ({loop} fits timed)")
    print(f"   speed-up                    {per_fit * replicates / batched_seconds:8.1f} ×")
    print(f"   largest |Δβ| vs statsmodels {np.abs(estimates[:loop] - reference).max():.2e}")


def mice_data(values: np.ndarray, columns: list[str]) -> MICEData:
    """statsmodels' chained equations (PMM for every variable) on a value matrix."""
    frame = pd.DataFrame(values, columns=[f"c{j}" for j in range(len(columns))])
    return MICEData(frame)


def benchmark_imputation(dataset: pd.DataFrame, resamples: int, mice_sets: int) -> None:
    """Batched chained equations against MICEData, same resamples; the impute job's path."""
    plan = analysis.read_plan(settings("mice"))
    setup = bs.imputation_setup(dataset, plan.covariates, 10)
    n = len(dataset)
    streams = [bs.replicate_streams(SEED, "bench", r, 2) for r in range(resamples)]
    rows = np.repeat([bs.resample(s[0], n) for s in streams], 2, axis=0)
    rngs = [np.random.default_rng(s[m]) for s in streams for m in (1, 2)]
    batched_seconds, _ = timed(impute_stack, setup.values[rows], setup.plan, rngs, repeats=REPEATS)
    per_batched = batched_seconds / len(rows)

    def statsmodels_mice():
        for index in rows[:mice_sets]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                data = mice_data(setup.values[index], setup.columns)
                data.update_all(10)

    mice_seconds, _ = timed(statsmodels_mice)
    per_mice = mice_seconds / mice_sets
    covariates = plan.covariates

    job_seconds, _ = timed(
        impute.impute_analysis_dataset, dataset, covariates, resamples, 10, 1, repeats=REPEATS
    )
    per_job = job_seconds / resamples
    incomplete = len(setup.plan.sequence)
    print(
        f"2. Imputation: {len(setup.columns)} variables, {incomplete} incomplete, "
        f"10 cycles, n = {n}"
    )
    print(
        f"   batched imputer             {per_batched * 1e3:8.1f} ms per imputed data set "
        f"({len(rows)} at once)"
    )
    print(
        f"   impute job (long format)    {per_job * 1e3:8.1f} ms per imputed data set "
        f"(m = {resamples})"
    )
    print(f"   statsmodels MICEData        {per_mice * 1e3:8.1f} ms per imputed data set")
    print(f"   speed-up vs MICEData        {per_mice / per_batched:8.1f} ×")


def benchmark_replicates(
    complete: pd.DataFrame, dataset: pd.DataFrame, replicates: int, mi_replicates: int
) -> None:
    """The workflow's replicate computations for a complete-data and an imputed analysis."""
    problem = bs.prepare_complete(complete, settings("complete_case"))
    seconds, _ = timed(
        bs.complete_replicates, problem, SEED, "complete_case", range(replicates), False
    )
    count = len(problem.blueprint.estimands)
    print("3. Replicates as the workflow computes them (one core, serial)")
    print(f"   complete data: B = {replicates}, 10 models, {count} estimands  {seconds:7.1f} s")
    imputed = impute.impute_analysis_dataset(
        dataset, analysis.read_plan(settings("mice")).covariates, 2, 10, seed=1
    )
    problem = bs.prepare_imputed(dataset, imputed, settings("mice"))
    plan = analysis.read_plan(settings("mice"))
    setup = bs.imputation_setup(dataset, plan.covariates, 10)
    seconds, _ = timed(
        bs.imputed_replicates, problem, setup, plan, SEED, "primary", range(mi_replicates), 2, False
    )
    print(
        f"   bootstrap then impute: {mi_replicates} × 2 imputations, 10 models each "
        f"{seconds:7.1f} s"
    )


def benchmark_memory(n_patients: int) -> None:
    """Peak memory of shards of a large cohort: two complete-data chunks, two imputed resamples."""
    dataset = analysis_dataset(missingness=True, n_patients=n_patients)
    n = len(dataset)
    problem = bs.prepare_complete(dataset, settings("complete_case"))
    size = bs.chunk_size(len(problem.rows.outcome))
    seconds, _ = timed(bs.complete_replicates, problem, SEED, "large", range(2 * size), False)
    print(f"4. Memory: n = {n}")
    print(
        f"   complete data, 2 chunks of {size} replicates {seconds:7.1f} s, peak {peak_gb():.2f} GB"
    )
    plan = analysis.read_plan(settings("mice"))
    imputed = impute.impute_analysis_dataset(dataset, plan.covariates, 2, 10, seed=1)
    problem = bs.prepare_imputed(dataset, imputed, settings("mice"))
    setup = bs.imputation_setup(dataset, plan.covariates, 10)
    seconds, _ = timed(
        bs.imputed_replicates, problem, setup, plan, SEED, "large", range(2), 2, False
    )
    print(
        f"   bootstrap then impute, 2 resamples × 2     {seconds:7.1f} s, peak {peak_gb():.2f} GB"
    )


def peak_gb() -> float:
    """Peak resident memory of this process so far, in GB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> None:
    """Run the three benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=2000)
    parser.add_argument("--loop", type=int, default=200, help="statsmodels fits to time")
    parser.add_argument("--imputed", type=int, default=25, help="resamples imputed in a batch")
    parser.add_argument("--mice", type=int, default=3, help="MICEData data sets to time")
    parser.add_argument("--mi-replicates", type=int, default=200)
    parser.add_argument("--large", type=int, default=0, help="patients of a memory check")
    parser.add_argument(
        "--default-allocator", action="store_true", help="leave glibc's malloc settings alone"
    )
    arguments = parser.parse_args()
    reuse = not arguments.default_allocator and keep_freed_memory()
    print(f"glibc keeps freed memory for reuse (as in workflow jobs): {'yes' if reuse else 'no'}")
    if arguments.large:
        benchmark_memory(arguments.large)
        return
    complete, dataset = analysis_dataset(missingness=False), analysis_dataset(missingness=True)
    problem = bs.prepare_complete(complete, settings("complete_case"))
    benchmark_fits(problem, arguments.replicates, arguments.loop)
    benchmark_imputation(dataset, arguments.imputed, arguments.mice)
    benchmark_replicates(complete, dataset, arguments.replicates, arguments.mi_replicates)


if __name__ == "__main__":
    main()
