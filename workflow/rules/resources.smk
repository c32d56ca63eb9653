# Resources of the jobs (the rules' `resources:` lines): memory and time by kind of job and cohort size.
import math
import os

# What a job asks the scheduler for, by kind of job: memory in MB and wall time in minutes, at
# least JOB_SIZES (enough for the default 1,106-patient synthetic cohort: every job there peaks
# under 300 MB and 30 s), growing with the job's patient-level input by JOB_GROWTH, then times the
# attempt number, so that a job killed for running out of either asks for more when it is retried
# (`--retries N`). Bootstrap shards run longer with more `bootstrap.replicates`: raise
# `bootstrap.shards` (more, shorter jobs) or their runtime with --set-resources.
JOB_SIZES = {
    # tables, figures and reports (the local rules)
    "summary": {"mem_mb": 1000, "runtime": 5},
    # simulating, reading and deriving the data
    "data": {"mem_mb": 1000, "runtime": 10},
    # imputing, fitting models, bootstrap intervals
    "model": {"mem_mb": 2000, "runtime": 30},
    "bootstrap_shard": {"mem_mb": 2000, "runtime": 60},
}
# Per MB of that input (sizing_input_mb): the largest peak resident memory (MB) and wall time
# (minutes) of the kind's rules that benchmarks/scale.py measured at n = 1,000,000 (README, "Running
# on a SLURM cluster"), divided by their input's MB, with margins of 1.5 for memory and 3 for time.
JOB_GROWTH = {
    "summary": {"mem_mb": 0, "runtime": 0},
    # ingest_cohort, primary_analysis_dataset: at most 1,432 MB and 42 s from 137.7 MB of tables
    "data": {"mem_mb": 16, "runtime": 0.015},
    # fit_models 1,848 MB (bootstrap_intervals 1,655, impute 1,587), impute 765 s, from a
    # 115.6 MB analysis dataset
    "model": {"mem_mb": 24, "runtime": 0.33},
    # a bootstrap-then-impute shard of the primary analysis: 2,880 MB (3.0 GB seen by ps) with
    # 5 resamples × 2 imputations; about 2,400 s for the default 50 (about 120 s of warm starts
    # and 45 s a resample at n = 10^6, from shards of 5 and, at 10^5, of 50 resamples)
    "bootstrap_shard": {"mem_mb": 39, "runtime": 1.1},
}


def sizing_input_mb(input):
    """MB of a job's analysis dataset if it reads one, else of all its inputs written so far."""
    # Before its inputs exist (a dry run), a job gets the floor; Snakemake evaluates its
    # resources again when they do, before it is submitted.
    paths = [input.dataset] if "dataset" in input.keys() else list(input)
    return sum(os.path.getsize(path) for path in paths if os.path.exists(path)) / 1e6


def resource_request(floor, growth):
    """A resource callable: floor, or growth per MB of the job's input if more, times the attempt."""

    def request(wildcards, input, attempt):
        return max(floor, math.ceil(growth * sizing_input_mb(input))) * attempt

    return request


def job_resources(size):
    """The resources of a kind of job (JOB_SIZES, JOB_GROWTH)."""
    return {
        name: resource_request(floor, JOB_GROWTH[size][name])
        for name, floor in JOB_SIZES[size].items()
    }
