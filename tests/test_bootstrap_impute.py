"""The chained-equations engine as the bootstrap uses it: the impute job's model, chunk- and
shard-invariant replicates."""

import numpy as np
import pandas as pd
import pytest
from interplay.analysis import fit as analysis
from interplay.bootstrap import estimands as est
from interplay.bootstrap import replicates as bs
from interplay.imputation import batched as bi
from interplay.imputation.batched import DONORS, PMM_RIDGE, impute_stack, match_donors
from interplay.imputation.chained import impute_analysis_dataset
from interplay.models import logistic as models
from test_bootstrap_fit import settings, small_dataset

M = 20
ITERATIONS = 5


@pytest.fixture(scope="module")
def incomplete(tmp_path_factory) -> pd.DataFrame:
    """A cohort with 15 % missing covariate values, so that the imputation model matters."""
    return small_dataset(tmp_path_factory.mktemp("cohort"), n_patients=600, missing_fraction=0.15)


def covariates() -> list[str]:
    """The primary adjustment set."""
    return analysis.read_plan(settings("mice")).covariates


def batched_imputations(data: pd.DataFrame, m: int, seed: int) -> tuple[bs.ImputationSetup, ...]:
    """m copies of the data imputed by the batched imputer, each from its own stream."""
    setup = bs.imputation_setup(data, covariates(), ITERATIONS)
    rngs = [np.random.default_rng(np.random.SeedSequence([seed, i])) for i in range(m)]
    return setup, impute_stack(np.repeat(setup.values[None], m, axis=0), setup.plan, rngs)


def pooled_product_model(estimates: np.ndarray, covariances: np.ndarray) -> pd.DataFrame:
    """Rubin-pooled product-model coefficients."""
    variances = np.diagonal(covariances, axis1=1, axis2=2)
    terms = analysis.plan_terms(analysis.read_plan(settings("mice")), "product")
    return models.summarise_estimates(estimates, variances, terms, 500, 0.95).set_index("term")


def product_fits(sample: est.Sample, spec: est.ModelSpec) -> tuple[np.ndarray, np.ndarray]:
    """Estimates and inverse-information covariances of the product model in each data set."""
    fit = est.fit_spec(sample, spec, np.zeros(len(spec.terms)))
    design = est.design(sample.atoms, spec.terms)
    mu = 1 / (1 + np.exp(-np.einsum("snp,sp->sn", design, fit.estimates)))
    information = np.einsum("snp,sn,snq->spq", design, mu * (1 - mu), design)
    return fit.estimates, np.linalg.inv(information)


def test_pooled_results_agree_with_the_impute_jobs(incomplete):
    # The bootstrap builds its imputation model itself (its levels and column order): it must be
    # the impute job's, which R's mice checks (test_impute.py).
    plan = analysis.read_plan(settings("mice"))
    draft = bs.provisional(plan, incomplete)
    names = bs.atom_names(draft, plan)
    spec = next(s for s in draft.specs if s.name == "product")
    core = impute_analysis_dataset(incomplete, covariates(), M, ITERATIONS, seed=3)
    core_sets = analysis.analysed_data_sets(incomplete, core, plan)
    core_pooled = pooled_product_model(
        *product_fits(bs.stacked_sample(core_sets, names, plan), spec)
    )
    setup, completed = batched_imputations(incomplete, M, seed=4)
    rows = np.repeat(np.arange(len(incomplete))[None], M, axis=0)
    problem = bs.Problem(draft, bs.rows_sample(incomplete, names, plan), {})
    atoms = bs.imputed_atoms(problem, setup, rows, completed, plan)
    outcome = np.repeat(models.outcome_values(incomplete)[None], M, axis=0)
    sample = est.Sample(atoms, outcome, np.ones(outcome.shape))
    batched_pooled = pooled_product_model(*product_fits(sample, spec))
    difference = (batched_pooled["estimate"] - core_pooled["estimate"]).abs()
    assert (difference <= 0.35 * core_pooled["std_error"]).all(), (
        difference / core_pooled["std_error"]
    )
    ratio = batched_pooled["std_error"] / core_pooled["std_error"]
    assert ratio.between(0.9, 1.1).all(), ratio


def test_imputed_values_follow_the_impute_jobs_distribution(incomplete):
    core = impute_analysis_dataset(incomplete, covariates(), M, ITERATIONS, seed=3)
    core = core[core[".imp"] > 0]
    setup, completed = batched_imputations(incomplete, M, seed=4)
    outcome = np.tile(incomplete["outcome"].to_numpy(), M)
    for j in setup.plan.sequence:
        column = setup.columns[j]
        gaps = np.tile(np.isnan(setup.values[:, j]), M)
        batched = completed[:, :, j].reshape(-1)[gaps]
        reference = pd.to_numeric(core[column]).to_numpy()[gaps]
        observed = setup.values[~np.isnan(setup.values[:, j]), j]
        assert np.isin(batched, observed).all(), column  # PMM donors and 0/1 draws
        spread = observed.std()
        for level in (0, 1):  # imputed means by outcome: the outcome is in the imputation model
            mine, theirs = batched[outcome[gaps] == level], reference[outcome[gaps] == level]
            assert abs(mine.mean() - theirs.mean()) < 0.2 * spread, (column, level)


def test_observed_values_are_kept(incomplete):
    setup, completed = batched_imputations(incomplete, 2, seed=1)
    seen = ~np.isnan(setup.values)
    assert (completed[:, seen] == setup.values[seen]).all()
    assert not np.isnan(completed).any()


def test_a_data_sets_imputation_does_not_depend_on_its_batch(incomplete):
    setup = bs.imputation_setup(incomplete, covariates(), 2)
    seeds = [np.random.SeedSequence([9, i]) for i in range(3)]
    values = np.repeat(setup.values[None], 3, axis=0)
    together = impute_stack(values, setup.plan, [np.random.default_rng(s) for s in seeds])
    alone = impute_stack(values[1:2], setup.plan, [np.random.default_rng(seeds[1])])
    np.testing.assert_array_equal(together[1], alone[0])


@pytest.mark.parametrize("size", [1, 3])
def test_chunks_of_data_sets_give_the_arrays_of_one_stack(incomplete, size):
    setup = bs.imputation_setup(incomplete, covariates(), 3)
    values = setup.values[np.random.default_rng(2).integers(0, len(incomplete), size=(5, 600))]
    seeds = [np.random.SeedSequence([8, i]) for i in range(5)]

    def imputed(chunk: int | None) -> np.ndarray:
        """The stack imputed in chunks of `chunk` data sets (None: the memory-bounded default)."""
        return impute_stack(values, setup.plan, [np.random.default_rng(s) for s in seeds], chunk)

    np.testing.assert_array_equal(imputed(size), imputed(len(seeds)))
    np.testing.assert_array_equal(imputed(size), imputed(None))


def test_the_impute_jobs_data_sets_do_not_depend_on_the_chunk_size(incomplete, monkeypatch):
    whole = impute_analysis_dataset(incomplete, covariates(), 4, 2, seed=6)
    monkeypatch.setattr(bi, "STACK_ELEMENTS", 1)  # one data set per chunk
    pd.testing.assert_frame_equal(
        impute_analysis_dataset(incomplete, covariates(), 4, 2, seed=6), whole, check_exact=True
    )


def test_chunk_size_bounds_the_values_per_chunk():
    assert bi.stack_chunk_size(1_000_000, 20) == 1
    assert bi.stack_chunk_size(1_086, 20) * 1_086 * 20 <= bi.STACK_ELEMENTS


def test_warm_starts_in_chunks_of_data_sets_equal_those_of_one_stack(incomplete, monkeypatch):
    """Fitting one data set at a time gives the per-set fits of the whole stack, bit for bit."""
    plan = analysis.read_plan(settings("mice"))
    draft = bs.provisional(plan, incomplete)
    names = bs.atom_names(draft, plan)
    imputed = impute_analysis_dataset(incomplete, covariates(), 5, 2, seed=3)
    data_sets = analysis.analysed_data_sets(incomplete, imputed, plan)
    whole = bs.fitted_means(bs.stacked_sample(list(data_sets), names, plan), draft)
    monkeypatch.setattr(bs, "MEMORY_ELEMENTS", 1)  # chunks of one data set
    chunked = bs.imputed_means(data_sets, names, plan, draft)
    for name, start in whole.items():
        assert chunked[name].tobytes() == start.tobytes()


def split_estimates(data, imputed, design: bs.Design) -> pd.DataFrame:
    """Every shard's estimates, concatenated in shard order (empty shards hold no rows)."""
    method = "complete_case" if imputed is None else "mice"
    frames = [
        bs.shard_estimates(data, imputed, settings(method), design, shard)
        for shard in range(design.shards)
    ]
    return pd.concat([frame for frame in frames if len(frame)], ignore_index=True)


@pytest.mark.parametrize("imputations", [0, 2])
def test_replicates_are_identical_for_any_number_of_shards(incomplete, monkeypatch, imputations):
    monkeypatch.setattr(bs, "MAX_CHUNK", 3)  # several chunks per shard
    monkeypatch.setattr(bs, "MAX_IMPUTED_CHUNK", 2)
    imputed = (
        impute_analysis_dataset(incomplete, covariates(), 2, 2, seed=5) if imputations else None
    )
    replicates = 7 if imputations else 11
    frames = [
        split_estimates(
            incomplete,
            imputed,
            bs.Design(SEED_FOR_SHARDS, "shards", replicates, imputations, shards, False),
        )
        for shards in (1, 3, 5)
    ]
    assert len(frames[0]) == replicates * max(imputations, 1)
    pd.testing.assert_frame_equal(frames[0], frames[1], check_exact=True)
    pd.testing.assert_frame_equal(frames[0], frames[2], check_exact=True)


SEED_FOR_SHARDS = 101


def random_stack(seed: int, sets: int = 4, n: int = 60, missing_rate: float = 0.2):
    """A stack of standardised designs with an intercept and a missingness mask per data set."""
    rng = np.random.default_rng(seed)
    full = bi.with_intercept(bi.standardised(rng.normal(size=(sets, n, 5))))
    return rng, full, rng.uniform(size=(sets, n)) < missing_rate


def test_normal_equations_from_the_gram_matrix_equal_a_direct_fit_to_the_observed_rows():
    _, full, missing = random_stack(1)
    gaps = bi.Gaps.of(missing)
    keep, target = [0, 1, 2, 4], 3
    gram = np.matmul(full.transpose(0, 2, 1), full)
    cholesky, coef, rss = bi.least_squares(gram, gaps.rows_of(full), keep, target)
    for s in range(len(full)):
        x, y = full[s][~missing[s]][:, keep], full[s][~missing[s], target]
        xtx = x.T @ x
        xtx[np.diag_indices(len(keep))] += PMM_RIDGE * np.maximum(np.diag(xtx), 1.0)
        expected = np.linalg.solve(xtx, x.T @ y)
        np.testing.assert_allclose(coef[s, keep], expected, rtol=1e-10)
        assert (np.delete(coef[s], keep) == 0).all()
        np.testing.assert_allclose(rss[s], ((y - x @ expected) ** 2).sum(), rtol=1e-9)
        np.testing.assert_allclose(cholesky[s] @ cholesky[s].T, xtx, rtol=1e-12)


def test_the_gram_matrix_follows_a_changed_column():
    rng, full, _ = random_stack(2)
    gram = np.matmul(full.transpose(0, 2, 1), full)
    full[:, :, 2] = rng.normal(size=full.shape[:2])
    bi.update_gram(gram, full, 2)
    np.testing.assert_allclose(gram, np.matmul(full.transpose(0, 2, 1), full), rtol=1e-12)


@pytest.mark.parametrize("n", [60, 12])  # 12 rows leave fewer than 10 donors in some data sets
def test_batched_matching_picks_the_donors_of_the_core_imputer(n):
    rng, _, missing = random_stack(3, sets=5, n=n, missing_rate=0.3)
    fitted, drawn_all = rng.normal(size=(2, *missing.shape))
    gaps = bi.Gaps.of(missing)
    drawn = np.take_along_axis(drawn_all, gaps.rows, axis=1)
    donors = bi.matched_donors(fitted, drawn, gaps, [np.random.default_rng(s) for s in range(5)])
    for s in range(5):
        observed_rows = np.flatnonzero(~missing[s])
        count = missing[s].sum()
        expected = match_donors(
            fitted[s, observed_rows], drawn[s, :count], DONORS, np.random.default_rng(s)
        )
        np.testing.assert_array_equal(donors[s, :count], observed_rows[expected])


def test_gaps_take_and_fill_only_the_missing_rows():
    _, full, missing = random_stack(4)
    gaps = bi.Gaps.of(missing)
    column = full[:, :, 1].copy()
    gaps.fill(column, np.full(gaps.rows.shape, 99.0))
    np.testing.assert_array_equal(column == 99.0, missing)
    taken = gaps.rows_of(full)
    for s in range(len(full)):
        count = missing[s].sum()
        np.testing.assert_array_equal(taken[s, :count], full[s][missing[s]])
        assert (taken[s, count:] == 0).all()
