"""Batched bootstrap fits and estimands: statsmodels per resample, run_analysis per resample, and
influence values against finite differences of refits."""

import copy
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml
from conftest import REPO
from interplay.analysis import fit as analysis
from interplay.bootstrap import estimands as est
from interplay.bootstrap import replicates as bs
from interplay.models import batched as batched_logistic
from interplay.models.firth import fit_firth
from interplay.synthetic.dataset import synthetic_analysis_dataset

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
DICTIONARY = REPO / "resources" / "data_dictionary.tsv"
SECTIONS = ["outcome", "pair", "covariates", "missing_data", "models"]
SEED = 20250304


def settings(method: str = "complete_case") -> dict:
    """The shipped primary settings with the given missing-data method."""
    merged = {section: copy.deepcopy(CONFIG[section]) for section in SECTIONS}
    merged["missing_data"]["method"] = method
    return merged


def small_dataset(directory, n_patients: int = 500, **arguments) -> pd.DataFrame:
    """A synthetic cohort's analysis dataset, read back through ingestion and the flow."""
    return synthetic_analysis_dataset(
        directory, CONFIG, DICTIONARY, n_patients=n_patients, seed=7, **arguments
    )[0]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> pd.DataFrame:
    return small_dataset(tmp_path_factory.mktemp("cohort"))


@pytest.fixture(scope="module")
def problem(dataset) -> bs.Problem:
    return bs.prepare_complete(dataset, settings())


def resample_counts(problem: bs.Problem, replicates: range) -> np.ndarray:
    """The frequency weights of the workflow's replicates."""
    n = len(problem.rows.outcome)
    return np.array(
        [
            np.bincount(bs.resample(bs.replicate_streams(SEED, "test", r, 0)[0], n), minlength=n)
            for r in replicates
        ],
        dtype=float,
    )


def statsmodels_fit(design: np.ndarray, outcome: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """One statsmodels Logit fit to the resample written out row by row."""
    rows = np.repeat(np.arange(len(outcome)), counts.astype(int))
    result = sm.Logit(outcome[rows], design[rows]).fit(method="newton", tol=1e-13, disp=False)
    return np.asarray(result.params)


def test_each_replicate_equals_a_statsmodels_fit_to_its_resample(problem):
    counts = resample_counts(problem, range(6))
    sample = replace(problem.rows, weights=counts)
    for spec in problem.blueprint.specs:
        fit = est.fit_spec(sample, spec, problem.start[spec.name])
        assert fit.converged.all()
        design = est.design(problem.rows.atoms, spec.terms)
        mask = est.stratum_mask(problem.rows.atoms, spec)
        for r, weights in enumerate(counts):
            weights = weights if mask is None else weights * mask
            reference = statsmodels_fit(design, problem.rows.outcome, weights)
            np.testing.assert_allclose(fit.estimates[r], reference, rtol=0, atol=1e-8)


def test_stacked_fits_equal_statsmodels_fits_of_each_data_set():
    rng = np.random.default_rng(5)
    designs = np.concatenate([np.ones((4, 300, 1)), rng.normal(size=(4, 300, 5))], axis=2)
    truth = np.array([0.3, 1.0, -0.5, 0.2, 0.0, 0.8])
    outcomes = (rng.uniform(size=(4, 300)) < 1 / (1 + np.exp(-designs @ truth))).astype(float)
    weights = (rng.uniform(size=(4, 300)) < 0.8).astype(float)  # a stratum: rows left out
    fit = batched_logistic.fit_stacked(designs, outcomes, weights, np.zeros(6))
    for r in range(4):
        keep = weights[r] > 0
        reference = sm.Logit(outcomes[r, keep], designs[r, keep]).fit(tol=1e-13, disp=False)
        np.testing.assert_allclose(fit.estimates[r], reference.params, rtol=0, atol=1e-8)


def test_separation_is_reported_as_a_failed_fit():
    x = np.linspace(-2, 2, 40)
    design = np.column_stack([np.ones(40), x])
    outcome = (x > 0).astype(float)  # x separates the outcome completely
    fit = batched_logistic.fit_weighted(design, outcome, np.ones((1, 40)), np.zeros(2))
    assert not fit.converged[0]


def expanded(data: pd.DataFrame, counts: np.ndarray) -> pd.DataFrame:
    """The resample as a data set: each row repeated as often as it was drawn."""
    return data.iloc[np.repeat(np.arange(len(data)), counts.astype(int))].reset_index(drop=True)


def test_replicate_estimands_equal_run_analysis_of_the_resample(dataset, problem):
    complete = analysis.analysed_data_sets(dataset, None, analysis.read_plan(settings()))[0]
    counts = resample_counts(problem, range(3, 4))
    values = bs.replicate_frame(
        problem, replace(problem.rows, weights=counts), {"replicate": [3]}, False
    ).iloc[0]
    tables = analysis.run_analysis(expanded(complete, counts[0]), settings())
    interaction = tables["interaction"]
    reference = interaction.loc[interaction["measure"] == "reri", "reference_group"].iloc[0]
    assert reference == est.ia.cell_name(problem.blueprint.reference, problem.blueprint.exposures)
    models = tables["models"].set_index(["model", "term"])["estimate"]
    joint = tables["joint"].assign(
        term=lambda t: "exposure_" + t["exposure_level"] + "_modifier_" + t["modifier_level"]
    )
    for estimand in problem.blueprint.estimands:
        value = values[estimand.column]
        if estimand.table == "models":
            expected = models[(estimand.group, estimand.term)]
        elif estimand.table == "joint":
            expected = np.log(joint.set_index("term").loc[estimand.term, "odds_ratio"])
        elif estimand.table == "interaction":
            row = interaction[
                (interaction["measure"] == estimand.term) & (interaction["scale"] == estimand.group)
            ].iloc[0]
            expected = np.log(row["estimate"]) if estimand.log_scale else row["estimate"]
        else:  # slopes at the full sample's BDNF values, from the continuous model's coefficients
            weights = next(i.weights for i in problem.blueprint.linear if i.estimand == estimand)
            coefficients = tables["models"].query("model == 'continuous'")["estimate"].to_numpy()
            expected = coefficients @ weights
        assert value == pytest.approx(expected, rel=1e-7, abs=1e-8), estimand.column


def test_influence_values_are_derivatives_in_each_rows_weight(problem):
    influence = est.influence_values(problem.blueprint, problem.start, problem.rows)
    n = len(problem.rows.outcome)
    rows = [0, 17, n - 1]
    step = 1e-4
    weights = np.ones((2 * len(rows), n))
    for k, i in enumerate(rows):
        weights[2 * k, i] += step
        weights[2 * k + 1, i] -= step
    sample = replace(problem.rows, weights=weights)
    coefficients, _ = bs.replicate_fits(problem, sample, firth=False)
    values = est.estimand_values(problem.blueprint, coefficients, sample)
    numeric = (values[0::2] - values[1::2]) / (2 * step)
    np.testing.assert_allclose(numeric, influence[rows], rtol=1e-4, atol=1e-7)
    assert np.allclose(influence.sum(axis=0), 0, atol=1e-9)  # empirical influence sums to zero


def test_firth_fallback_replaces_only_the_failed_replicates():
    x = np.linspace(-2, 2, 41)
    y = (x > 0).astype(float)
    y[[19, 21]] = 1 - y[[19, 21]]  # overlap near zero: the full sample is not separated
    weights = np.ones((2, 41))
    weights[1, [19, 21]] = 0  # without the overlap, x separates the outcome
    sample = est.Sample({"x": x}, y, weights)
    spec = est.ModelSpec("model", ["intercept", "x"])
    blueprint = est.Blueprint([spec], [], (0, 0), ["a", "b"])
    problem = bs.Problem(blueprint, sample, {"model": np.zeros(2)})
    plain, status = bs.replicate_fits(problem, sample, firth=False)
    assert list(status["model"]) == [bs.CONVERGED, bs.FAILED]
    assert np.isnan(plain["model"][1]).all()
    refitted, status = bs.replicate_fits(problem, sample, firth=True)
    assert list(status["model"]) == [bs.CONVERGED, bs.FIRTH]
    np.testing.assert_array_equal(refitted["model"][0], plain["model"][0])
    keep = weights[1] > 0
    expected = fit_firth(np.column_stack([np.ones(41), x])[keep], y[keep]).params
    np.testing.assert_allclose(refitted["model"][1], expected, rtol=1e-10)


def test_each_fits_information_is_the_fisher_information_at_its_estimate(problem):
    counts = resample_counts(problem, range(4))
    spec = next(s for s in problem.blueprint.specs if s.name == "product")
    design = est.design(problem.rows.atoms, spec.terms)
    fit = est.fit_spec(replace(problem.rows, weights=counts), spec, problem.start[spec.name])
    for r, weights in enumerate(counts):
        mu = 1 / (1 + np.exp(-design @ fit.estimates[r]))
        fisher = design.T @ (design * (weights * mu * (1 - mu))[:, None])
        # computed in single precision at an iterate within CHORD_STEP (1e-4) of the estimate
        np.testing.assert_allclose(fit.information[r], fisher, rtol=1e-3)
