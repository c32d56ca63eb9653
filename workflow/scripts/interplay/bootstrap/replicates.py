"""Bootstrap replicates of one analysis: seeds, shards, and the replicate estimates (§7).

Complete data: nonparametric case resampling of the analysed rows, each replicate a set of
frequency weights, all models fitted to a chunk of replicates at once. Imputed analyses: bootstrap
then impute (von Hippel & Bartlett, Stat Sci 2021) — resample the incomplete dataset, impute each
resample a few times with the batched chained-equations imputer, fit every model to each.

Replicate r of an analysis draws only from SeedSequence(stream_key(seed, "bootstrap", analysis, r))
(child 0 resamples, child m imputes copy m), and replicates are processed in chunks whose
boundaries depend only on the number of rows, never on the shard, so results are identical for
any split into shards.
"""

import itertools
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from interplay.analysis import fit as analysis
from interplay.bootstrap import estimands as est
from interplay.columns import CATEGORY_LEVELS
from interplay.imputation.batched import ChainPlan, impute_stack
from interplay.imputation.chained import chain_plan, encode, product_columns
from interplay.imputation.imputed_sets import ImputedSets
from interplay.interaction import joint
from interplay.models import logistic as models
from interplay.models.batched import WeightedDesign
from interplay.models.firth import fit_firth
from interplay.seeds import stream_key

log = logging.getLogger(__name__)

MAX_CHUNK = 250  # replicates fitted together; larger chunks gain little
# Elements per (replicates × rows) float array, 32 MB: a shard of n = 100,000 peaks near 0.7 GB.
MEMORY_ELEMENTS = 4_000_000
MAX_IMPUTED_CHUNK = 25  # resamples imputed together
STACKED_WIDTH = 20  # columns per row of an imputed resample (values or design), for chunk sizes
CONVERGED, FIRTH, FAILED = "converged", "firth", "failed"
REPLICATE, SHARD_IMPUTATION = "replicate", "imputation"


@dataclass(frozen=True)
class Problem:
    """One analysis prepared for resampling: its estimands, rows, and warm-start coefficients."""

    blueprint: est.Blueprint
    rows: est.Sample  # the rows that are resampled, each counted once
    start: dict[str, np.ndarray]  # full-sample coefficients per model
    # per model, its design on the rows prepared for weighted fits (complete-data resampling)
    designs: Mapping[str, WeightedDesign] = field(default_factory=dict)


def replicate_streams(seed: int, analysis_name: str, replicate: int, imputations: int) -> list:
    """SeedSequences of one replicate: [resampling, imputation 1, …, imputation m]."""
    key = stream_key(seed, "bootstrap", analysis_name, replicate)
    return np.random.SeedSequence(key).spawn(1 + imputations)


def resample(stream: np.random.SeedSequence, n: int) -> np.ndarray:
    """Row indices of one bootstrap resample (n draws with replacement)."""
    return np.random.default_rng(stream).integers(0, n, size=n)


def chunk_size(n: int, copies: int = 1) -> int:
    """Replicates per chunk: at most MAX_CHUNK and MEMORY_ELEMENTS / (rows × copies)."""
    return int(np.clip(MEMORY_ELEMENTS // (n * copies), 1, MAX_CHUNK))


def imputed_chunk_size(n: int, imputations: int) -> int:
    """Resamples per chunk of bootstrap-then-impute: each holds `imputations` stacked data sets."""
    return min(chunk_size(n, STACKED_WIDTH * imputations), MAX_IMPUTED_CHUNK)


def shard_replicates(total: int, shards: int, shard: int, size: int) -> range:
    """The replicates of one shard: a contiguous run of whole chunks of `size`."""
    n_chunks = -(-total // size)
    first, last = shard * n_chunks // shards, (shard + 1) * n_chunks // shards
    return range(first * size, min(last * size, total))


def chunks(replicates: range, size: int) -> list[range]:
    """Split replicates at multiples of size (global boundaries, whatever the shard)."""
    edges = [replicates.start, *range(-(-replicates.start // size) * size, replicates.stop, size)]
    edges = sorted(set([*edges, replicates.stop]))
    return [range(a, b) for a, b in itertools.pairwise(edges) if b > a]


def atom_names(blueprint: est.Blueprint, plan: analysis.Plan) -> list[str]:
    """Every column a model term is built from, plus the joint coding's columns."""
    terms = [t for spec in blueprint.specs for t in spec.terms if t != models.INTERCEPT]
    codings, _ = joint.JOINT_CODINGS[plan.joint_coding]
    return list(dict.fromkeys([*(p for t in terms for p in t.split(models.PRODUCT)), *codings]))


def joint_atoms(atoms: Mapping[str, np.ndarray], plan: analysis.Plan) -> dict[str, np.ndarray]:
    """The atoms with the joint-cell indicators recomputed from the (imputed) coding columns."""
    (exposure, modifier), _ = joint.JOINT_CODINGS[plan.joint_coding]
    out = dict(atoms)
    for cell in joint.joint_cells(plan.joint_coding):
        hit = (atoms[exposure] == cell[0]) & (atoms[modifier] == cell[1])
        out[joint.joint_term(cell, plan.joint_coding)] = hit.astype(float)
    return out


def dataset_atoms(data: pd.DataFrame, names: list[str]) -> dict[str, np.ndarray]:
    """Atoms (n,) of the dataset's rows, NaN where a value is missing."""
    return {
        name: np.asarray(models.term_values(data, name), dtype=float)
        for name in names
        if not name.startswith("joint_")
    }


def rows_sample(data: pd.DataFrame, names: list[str], plan: analysis.Plan) -> est.Sample:
    """A shared-atom sample of the data's rows with unit weights."""
    atoms = joint_atoms(dataset_atoms(data, names), plan)
    return est.Sample(atoms, models.outcome_values(data), np.ones((1, len(data))))


def stacked_sample(data_sets: list[pd.DataFrame], names: list[str], plan) -> est.Sample:
    """A per-data-set sample of m imputed data sets of equal size."""
    parts = [dataset_atoms(d, names) for d in data_sets]
    atoms = joint_atoms({k: np.stack([p[k] for p in parts]) for k in parts[0]}, plan)
    outcome = np.stack([models.outcome_values(d) for d in data_sets])
    return est.Sample(atoms, outcome, np.ones(outcome.shape))


def provisional(plan: analysis.Plan, dataset: pd.DataFrame) -> est.Blueprint:
    """A blueprint whose reference cell is a placeholder (for model specs and atom names)."""
    return est.blueprint(plan, dataset, np.zeros(len(analysis.plan_terms(plan, "product"))))


def fitted_estimates(
    sample: est.Sample,
    blueprint: est.Blueprint,
    designs: Mapping[str, WeightedDesign] | None = None,
) -> dict[str, np.ndarray]:
    """Each model's coefficients (data sets, p) in each of the sample's data sets (fits from 0)."""
    out = {}
    for spec in blueprint.specs:
        prepared = designs.get(spec.name) if designs else None
        fit = est.fit_spec(sample, spec, np.zeros(len(spec.terms)), prepared)
        if not fit.converged.all():
            log.warning("%s model: the full-sample fit did not converge", spec.name)
        out[spec.name] = fit.estimates
    return out


def fitted_means(
    sample: est.Sample,
    blueprint: est.Blueprint,
    designs: Mapping[str, WeightedDesign] | None = None,
) -> dict[str, np.ndarray]:
    """Each model's coefficients averaged over the sample's data sets (fits from zero)."""
    return {
        name: estimates.mean(axis=0)
        for name, estimates in fitted_estimates(sample, blueprint, designs).items()
    }


def imputed_means(
    data_sets: Sequence[pd.DataFrame], names: list[str], plan, blueprint: est.Blueprint
) -> dict[str, np.ndarray]:
    """fitted_means over the imputed data sets, stacked a chunk of sets at a time (the m sets
    at once would not fit in memory at n = 10^6); each set's fit is its own, so the chunks
    give the estimates of one stack."""
    size = chunk_size(len(data_sets[0]), STACKED_WIDTH)
    parts = [
        fitted_estimates(stacked_sample([data_sets[i] for i in chunk], names, plan), blueprint)
        for chunk in chunks(range(len(data_sets)), size)
    ]
    return {
        spec.name: np.concatenate([part[spec.name] for part in parts]).mean(axis=0)
        for spec in blueprint.specs
    }


def prepare_complete(dataset: pd.DataFrame, settings: Mapping[str, Any]) -> Problem:
    """The complete-case sample of an analysis, its full-sample fits and estimands."""
    plan = analysis.read_plan(settings)
    draft = provisional(plan, dataset)
    complete = analysis.analysed_data_sets(dataset, None, plan)[0]
    rows = rows_sample(complete, atom_names(draft, plan), plan)
    designs = {spec.name: est.shared_design(rows, spec) for spec in draft.specs}
    start = fitted_means(rows, draft, designs)
    return Problem(est.blueprint(plan, dataset, start["product"]), rows, start, designs)


def prepare_imputed(
    dataset: pd.DataFrame, imputed: ImputedSets | pd.DataFrame, settings: Mapping[str, Any]
) -> Problem:
    """The incomplete dataset to resample; starts and reference cell pooled over the imputations."""
    plan = analysis.read_plan(settings)
    draft = provisional(plan, dataset)
    names = atom_names(draft, plan)
    start = imputed_means(analysis.analysed_data_sets(dataset, imputed, plan), names, plan, draft)
    rows = rows_sample(dataset, names, plan)
    return Problem(est.blueprint(plan, dataset, start["product"]), rows, start)


def firth_refit(sample: est.Sample, spec: est.ModelSpec, index: int) -> np.ndarray | None:
    """Firth-penalised coefficients of one replicate's fit, None when that fails too."""
    matrix = est.design(sample.atoms, spec.terms)
    mask = est.stratum_mask(sample.atoms, spec)
    weights = sample.weights[index] * (
        1.0 if mask is None else mask if mask.ndim == 1 else mask[index]
    )
    x = matrix if matrix.ndim == 2 else matrix[index]
    y = sample.outcome if sample.outcome.ndim == 1 else sample.outcome[index]
    keep = weights > 0
    try:
        fit = fit_firth(x[keep], y[keep], weights[keep])
    except ValueError:
        return None
    return fit.params if fit.converged else None


def replicate_fits(
    problem: Problem, sample: est.Sample, firth: bool
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Coefficients (NaN where a fit failed) and status per model for every replicate."""
    coefficients, status = {}, {}
    for spec in problem.blueprint.specs:
        fit = est.fit_spec(sample, spec, problem.start[spec.name], problem.designs.get(spec.name))
        estimates = fit.estimates.copy()
        state = np.where(fit.converged, CONVERGED, FAILED).astype(object)
        for index in np.flatnonzero(~fit.converged) if firth else []:
            refit = firth_refit(sample, spec, index)
            if refit is not None:
                estimates[index], state[index] = refit, FIRTH
        estimates[state == FAILED] = np.nan
        coefficients[spec.name], status[spec.name] = estimates, state
    return coefficients, status


def replicate_frame(
    problem: Problem, sample: est.Sample, labels: dict[str, np.ndarray], firth: bool
) -> pd.DataFrame:
    """One row per replicate: its labels, each model's status and every estimand's value."""
    coefficients, status = replicate_fits(problem, sample, firth)
    values = est.estimand_values(problem.blueprint, coefficients, sample)
    columns = [e.column for e in problem.blueprint.estimands]
    return pd.concat(
        [
            pd.DataFrame(labels),
            pd.DataFrame({f"status/{name}": state for name, state in status.items()}),
            pd.DataFrame(values, columns=columns),
        ],
        axis=1,
    )


def no_replicates(problem: Problem) -> pd.DataFrame:
    """The empty replicate table of a shard without replicates (more shards than chunks)."""
    columns = [REPLICATE, SHARD_IMPUTATION]
    columns += [f"status/{spec.name}" for spec in problem.blueprint.specs]
    return pd.DataFrame(columns=columns + [e.column for e in problem.blueprint.estimands])


def log_progress(chunk: range, replicates: range, started: float) -> None:
    """Log how many of a shard's replicates are done and the time so far."""
    done = chunk[-1] - replicates.start + 1
    elapsed = time.perf_counter() - started
    log.info("replicates %d/%d of this shard done, %.1f s elapsed", done, len(replicates), elapsed)


def complete_replicates(
    problem: Problem, seed: int, analysis_name: str, replicates: range, firth: bool
) -> pd.DataFrame:
    """Replicate estimates of a complete-data analysis (frequency-weighted fits per chunk)."""
    n = len(problem.rows.outcome)
    frames, started = [], time.perf_counter()
    for chunk in chunks(replicates, chunk_size(n)):
        counts = np.array(
            [
                np.bincount(
                    resample(replicate_streams(seed, analysis_name, r, 0)[0], n), minlength=n
                )
                for r in chunk
            ],
            dtype=float,
        )
        labels = {REPLICATE: np.array(chunk), SHARD_IMPUTATION: np.zeros(len(chunk), int)}
        frames.append(
            replicate_frame(problem, replace(problem.rows, weights=counts), labels, firth)
        )
        log_progress(chunk, replicates, started)
    return pd.concat(frames, ignore_index=True) if frames else no_replicates(problem)


@dataclass(frozen=True)
class ImputationSetup:
    """The value matrix the imputer works on and its chained-equations plan."""

    columns: list[str]
    values: np.ndarray
    plan: ChainPlan


def imputation_setup(
    dataset: pd.DataFrame, covariates: list[str], iterations: int
) -> ImputationSetup:
    """The model of impute.impute_analysis_dataset: outcome, covariates, both codings, products."""
    exposures = [*models.MODEL_EXPOSURES["product"], *models.MODEL_EXPOSURES["continuous"]]
    predictors = list(dict.fromkeys([models.OUTCOME, *covariates, *exposures]))
    data = dataset.assign(**product_columns(dataset, exposures))
    levels = {c: CATEGORY_LEVELS.get(c) for c in predictors}
    values = encode(data, predictors, levels)
    every = range(len(predictors))
    others = {j: [k for k in every if k != j] for j in every}
    return ImputationSetup(predictors, values, chain_plan(values, list(every), others, iterations))


def imputed_atoms(
    problem: Problem, setup: ImputationSetup, rows: np.ndarray, completed: np.ndarray, plan
) -> dict[str, np.ndarray]:
    """Atoms (S, n) of imputed resamples: the dataset's atoms at rows, imputed columns replaced."""
    atoms = {name: values[rows] for name, values in problem.rows.atoms.items()}
    for j, column in enumerate(setup.columns):
        levels = CATEGORY_LEVELS.get(column)
        name = f"{column}_{levels[1]}" if levels else column
        if name in atoms:  # product columns are no atoms: terms recompute them from factors
            atoms[name] = completed[:, :, j]
    return joint_atoms(atoms, plan)


def imputed_replicates(
    problem: Problem,
    setup: ImputationSetup,
    plan: analysis.Plan,
    seed: int,
    analysis_name: str,
    replicates: range,
    imputations: int,
    firth: bool,
) -> pd.DataFrame:
    """Bootstrap-then-impute replicate estimates: `imputations` imputed copies per resample."""
    n = len(problem.rows.outcome)
    frames, started = [], time.perf_counter()
    for chunk in chunks(replicates, imputed_chunk_size(n, imputations)):
        streams = [replicate_streams(seed, analysis_name, r, imputations) for r in chunk]
        rows = np.repeat([resample(s[0], n) for s in streams], imputations, axis=0)
        rngs = [np.random.default_rng(s[m]) for s in streams for m in range(1, imputations + 1)]
        completed = impute_stack(setup.values[rows], setup.plan, rngs)
        sample = est.Sample(
            imputed_atoms(problem, setup, rows, completed, plan),
            problem.rows.outcome[rows],
            np.ones(rows.shape),
        )
        labels = {
            REPLICATE: np.repeat(np.array(chunk), imputations),
            SHARD_IMPUTATION: np.tile(np.arange(1, imputations + 1), len(chunk)),
        }
        frames.append(replicate_frame(problem, sample, labels, firth))
        log_progress(chunk, replicates, started)
    return pd.concat(frames, ignore_index=True) if frames else no_replicates(problem)


@dataclass(frozen=True)
class Design:
    """The bootstrap of one analysis as configured: size, imputations, shards, Firth fallback."""

    seed: int
    analysis: str
    replicates: int
    imputations: int  # 0: complete data
    shards: int
    firth: bool


def replicates_of_shard(n: int, total: int, shards: int, imputations: int, shard: int) -> range:
    """The replicates one of `shards` shards computes when resampling n rows (0 imputations:
    complete data)."""
    size = imputed_chunk_size(n, imputations) if imputations else chunk_size(n)
    return shard_replicates(total, shards, shard, size)


def shard_estimates(
    dataset: pd.DataFrame,
    imputed: ImputedSets | pd.DataFrame | None,
    settings: Mapping[str, Any],
    design: Design,
    shard: int,
) -> pd.DataFrame:
    """Replicate estimates of one shard (no patient rows): complete data, or bootstrap-then-impute
    when imputations are given."""
    plan = analysis.read_plan(settings)
    if imputed is None:
        problem = prepare_complete(dataset, settings)
        mine = replicates_of_shard(
            len(problem.rows.outcome), design.replicates, design.shards, design.imputations, shard
        )
        return complete_replicates(problem, design.seed, design.analysis, mine, design.firth)
    problem = prepare_imputed(dataset, imputed, settings)
    setup = imputation_setup(dataset, plan.covariates, settings["missing_data"]["iterations"])
    mine = replicates_of_shard(
        len(problem.rows.outcome), design.replicates, design.shards, design.imputations, shard
    )
    return imputed_replicates(
        problem, setup, plan, design.seed, design.analysis, mine, design.imputations, design.firth
    )
