"""The logistic Newton solver against statsmodels: bit for bit under the model rule, to the
tolerance under the relative rule (weighted, ridge-penalised and offset fits included)."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from interplay.models.newton import MODEL_RULE, newton_logistic
from scipy import optimize
from test_pool import simulated_logistic_data


def statsmodels_newton(design: np.ndarray, outcome: np.ndarray):
    """statsmodels' Logit by Newton–Raphson, as the analysis models were fitted before."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.Logit(outcome, design).fit(method="newton", maxiter=100, disp=False)


@pytest.mark.parametrize("seed", range(8))
def test_the_model_rule_reproduces_statsmodels_newton_bit_for_bit(seed):
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(40, 900)), int(rng.integers(1, 7))
    values = np.column_stack([np.ones(n), rng.normal(size=(n, p - 1))])
    # design_matrix().to_numpy() gives column-major arrays: both memory orders take part
    design = pd.DataFrame(values).to_numpy(float) if seed % 2 else values
    outcome = (rng.uniform(size=n) < 1 / (1 + np.exp(-design @ rng.normal(size=p)))).astype(float)
    if seed == 7:  # complete separation: no finite MLE, the steps run to the limit
        outcome = (design[:, -1] > 0).astype(float)
    reference = statsmodels_newton(design, outcome)
    fit = newton_logistic(design, outcome, rule=MODEL_RULE)
    assert np.array_equal(fit.estimates, reference.params)
    assert np.array_equal(fit.covariance, reference.cov_params())
    assert fit.loglik == reference.llf
    with np.errstate(over="ignore"):
        assert np.array_equal(fit.fitted, reference.predict())
    assert fit.converged == reference.mle_retvals["converged"] == (seed != 7)


def test_the_relative_rule_agrees_with_statsmodels_with_and_without_weights():
    design, outcome = simulated_logistic_data(np.random.default_rng(11), 300)
    weights = np.random.default_rng(12).uniform(0.2, 2.0, size=300)
    for w in (None, weights):
        reference = sm.GLM(outcome, design, family=sm.families.Binomial(), freq_weights=w).fit(
            tol=1e-12
        )
        fit = newton_logistic(design, outcome, weights=w)
        assert fit.converged
        np.testing.assert_allclose(fit.estimates, reference.params, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(fit.covariance, reference.cov_params(), rtol=1e-7, atol=1e-12)


def test_a_ridge_fit_maximises_the_penalised_likelihood_and_an_offset_shifts_the_predictor():
    design, outcome = simulated_logistic_data(np.random.default_rng(15), 200)
    offset = np.random.default_rng(16).normal(size=200)
    ridge = 3.0

    def penalised_deviance(beta: np.ndarray) -> float:
        eta = offset + design @ beta
        return -np.sum(outcome * eta - np.logaddexp(0, eta)) + ridge / 2 * beta @ beta

    optimum = optimize.minimize(penalised_deviance, np.zeros(5), method="BFGS", tol=1e-12).x
    fit = newton_logistic(design, outcome, ridge=ridge, offset=offset)
    np.testing.assert_allclose(fit.estimates, optimum, atol=1e-6)
    hessian = (design.T * (fit.fitted * (1 - fit.fitted))) @ design + ridge * np.eye(5)
    np.testing.assert_allclose(fit.covariance, np.linalg.inv(hessian), rtol=1e-8)
