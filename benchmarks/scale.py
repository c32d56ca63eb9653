"""Scale benchmark (not a test): each rule's wall time and peak memory as the cohort grows.

    nice -n 10 python benchmarks/scale.py [--n 10000 100000 1000000] [--whole] [--quick]
                                          [--cores 2] [--mi-replicates R] [--scratch DIR]
                                          [--table-only]

For each n: a fresh copy of the workflow in DIR/n_{n}, a synthetic cohort of n patients with
baseline biomarkers (`synthetic.n_patients`), and one Snakemake run of the primary analysis's
jobs (cohort, ingestion, dataset, imputation, models, bootstrap shards and intervals, its final
tables); --whole runs the whole default workflow instead (meant for n up to 10^5). Every rule that
reads patient rows writes a Snakemake benchmark file under results/benchmarks/; the table adds up
each rule's jobs' wall and CPU time and takes their largest peak resident memory (max_rss), then
fits the slope of log time on log n per rule over the sizes run and flags slopes above 1.1
(issue 14: cost linear in n); on a shared machine CPU time is the steadier figure. --quick runs
config/test/quick.yaml's imputations and replicates, to try the script out; --table-only
tabulates the runs already in DIR. Timings include each job's Python start (about 1-2 s), which
flattens slopes at small n.
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
# What a user clones (as tests/conftest.py copies it), without results.
WORKFLOW_ITEMS = ["Snakefile", "config.yaml", "config", "workflow", "resources", "envs", "profiles"]
QUICK_CONFIG = "config/test/quick.yaml"
# The primary analysis's final tables: their jobs are the primary analysis's whole chain.
PRIMARY_TARGETS = [
    f"results/analyses/primary/{table}.tsv"
    for table in ["models", "joint", "interaction", "slopes", "johnson_neyman", "predictions"]
]
SLOPE_LIMIT = 1.1


def copy_workflow(destination: Path) -> None:
    """A fresh copy of the workflow in destination (replacing an earlier one)."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    for item in WORKFLOW_ITEMS:
        source = REPO / item
        if source.is_dir():
            shutil.copytree(
                source, destination / item, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, destination / item)


def run_workflow(
    workdir: Path, n: int, whole: bool, quick: bool, cores: int, mi_replicates: int | None
) -> float:
    """Run the primary analysis's jobs (or the whole workflow) on n patients; wall seconds."""
    settings = {"synthetic": {"n_patients": n}}
    if mi_replicates:
        settings["bootstrap"] = {"mi_replicates": mi_replicates}
    (workdir / "scale.yaml").write_text(yaml.safe_dump(settings))
    configs = [*([QUICK_CONFIG] if quick else []), "scale.yaml"]
    targets = [] if whole else PRIMARY_TARGETS
    command = [sys.executable, "-m", "snakemake", *targets, "--cores", str(cores)]
    command += ["--configfile", *configs]
    start = time.perf_counter()
    with open(workdir / "snakemake.log", "w", encoding="utf-8") as log:
        result = subprocess.run(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"snakemake failed for n = {n}: see {workdir / 'snakemake.log'}")
    return seconds


def rule_figures(workdir: Path) -> dict[str, tuple[int, float, float, float]]:
    """{rule: (jobs, summed wall s, summed CPU s, largest max_rss MB)} from its benchmark files."""
    jobs: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    folder = workdir / "results" / "benchmarks"
    for path in sorted(folder.rglob("*.tsv")):
        rule = path.relative_to(folder).parts[0].removesuffix(".tsv")
        with open(path, encoding="utf-8") as handle:
            row = next(csv.DictReader(handle, delimiter="\t"))
        jobs[rule].append((float(row["s"]), number(row["cpu_time"]), number(row["max_rss"])))
    return {
        rule: (len(rows), *np.sum([row[:2] for row in rows], axis=0), max(r[2] for r in rows))
        for rule, rows in jobs.items()
    }


def number(text: str) -> float:
    """A benchmark field as a number: NaN where Snakemake wrote NA (a job too short to sample)."""
    return float("nan") if text in {"NA", "-", ""} else float(text)


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log time on log n (NaN with fewer than two sizes)."""
    if len(points) < 2:
        return float("nan")
    log_n, log_time = np.log([p[0] for p in points]), np.log([p[1] for p in points])
    return float(np.polyfit(log_n, log_time, 1)[0])


def print_table(figures: dict[int, dict[str, tuple[int, float, float, float]]]) -> None:
    """Rule, n, jobs, wall s, CPU s, peak MB; then each rule's slopes, flagged above SLOPE_LIMIT."""
    rules = sorted({rule for by_rule in figures.values() for rule in by_rule})
    print(f"\n{'rule':28} {'n':>9} {'jobs':>5} {'wall s':>9} {'CPU s':>9} {'peak MB':>8}")
    for rule in rules:
        for n, by_rule in sorted(figures.items()):
            if rule in by_rule:
                jobs, wall, cpu, peak = by_rule[rule]
                print(f"{rule:28} {n:>9} {jobs:>5} {wall:>9.1f} {cpu:>9.1f} {peak:>8.0f}")
    print(f"\nslope of log time on log n ({SLOPE_LIMIT}: linear cost, within noise)")
    print(f"{'rule':28} {'wall':>9} {'CPU':>9}")
    for rule in rules:
        sizes = [(n, by_rule[rule]) for n, by_rule in sorted(figures.items()) if rule in by_rule]
        slopes = [slope([(n, row[column]) for n, row in sizes]) for column in (1, 2)]
        flag = f"  slope above {SLOPE_LIMIT}" if max(slopes) > SLOPE_LIMIT else ""
        print(f"{rule:28} {slopes[0]:>9.2f} {slopes[1]:>9.2f}{flag}")


def main() -> None:
    """Run the workflow at each n and print the per-rule table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--whole", action="store_true", help="the whole default workflow")
    parser.add_argument("--quick", action="store_true", help=f"the settings of {QUICK_CONFIG}")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument(
        "--mi-replicates",
        type=int,
        help="bootstrap-then-impute resamples (config bootstrap.mi_replicates; default 200)",
    )
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/interplay-scale"))
    parser.add_argument(
        "--table-only", action="store_true", help="only tabulate earlier runs in --scratch"
    )
    arguments = parser.parse_args()
    figures = {}
    for n in arguments.n:
        workdir = arguments.scratch / f"n_{n}"
        if not arguments.table_only:
            copy_workflow(workdir)
            seconds = run_workflow(
                workdir,
                n,
                arguments.whole,
                arguments.quick,
                arguments.cores,
                arguments.mi_replicates,
            )
            print(f"n = {n}: {seconds:.0f} s wall with --cores {arguments.cores} ({workdir})")
        figures[n] = rule_figures(workdir)
    if not arguments.table_only:
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    print_table(figures)


if __name__ == "__main__":
    main()
