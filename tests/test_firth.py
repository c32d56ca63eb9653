"""Firth-penalised logistic regression against published logistf/brglm output and closed forms.

Published references (numbers copied from the sources, never from our own runs):
- endometrial data (Heinze & Schemper 2002; 79 patients, as shipped in R's brglm2/enrichwith and
  Rdatasets' OncoDataSets EndometrialCancer_df): logistf estimates and 95 % profile
  penalised-likelihood limits as recorded in jzluo/firthlogist's test suite
  (firthlogist/tests/test_firthlogist.py, fixture `endometrial`), and brglm's estimates printed in
  the eulogepagui/mbrglm README (`endo.brglm`).
- sex2 data (logistf's urinary-tract-infection example, 239 women): coefficients from logistf's
  own tests (georgheinze/logistf tests/testthat/test-basic.R); profile limits as recorded in
  firthlogist's test suite (fixture `sex2`); penalised likelihood-ratio chi-squares printed by
  easystats/parameters for a logistf fit (tests/testthat/_snaps/windows/
  model_parameters.logistf.md); standard errors and penalised log-likelihood printed in the
  firthlogist README.
- Gelman et al. (2008, Ann Appl Stat) example 4.2, binomial counts with weights: brglm estimates
  printed in the eulogepagui/mbrglm README (`fit.brglm`).
"""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from interplay.models.firth import fit_firth, penalised_lr_statistic, profile_ci

# --- endometrial: NV (neovasculation 0/1), PI (pulsatility index), EH (endometrium height), HG ---
ENDOMETRIAL_NV = "0000000000000000000001111100000000000000000000011110000000000000000000100011010"
ENDOMETRIAL_HG = "0000000000000000011111111110000000000000000111111111100000000000000001111111111"
ENDOMETRIAL_PI = [
    13, 16, 8, 34, 20, 5, 17, 10, 26, 17, 8, 7, 20, 10, 18, 16, 18, 8, 29, 12, 20, 38, 22, 7, 25,
    15, 7, 28, 11, 19, 10, 10, 18, 14, 21, 11, 17, 25, 16, 19, 15, 33, 24, 48, 12, 19, 2, 22, 40,
    5, 0, 21, 15, 29, 15, 12, 3, 20, 23, 12, 22, 42, 15, 13, 14, 19, 12, 13, 10, 12, 49, 6, 5, 17,
    11, 21, 5, 19, 33,
]  # fmt: skip
ENDOMETRIAL_EH = [
    1.64, 2.26, 3.14, 2.68, 1.28, 2.31, 1.8, 1.68, 1.56, 2.31, 2.01, 1.89, 3.15, 1.23, 1.27, 1.76,
    2, 2.64, 0.88, 1.27, 1.37, 0.97, 1.14, 0.88, 0.91, 0.58, 0.97, 1.5, 1.33, 2.37, 1.82, 3.13,
    1.31, 1.92, 1.64, 2.01, 1.88, 1.93, 2.11, 1.29, 1.72, 0.75, 1.92, 1.84, 1.11, 1.61, 1.18, 1.44,
    1.18, 0.93, 1.17, 1.19, 1.06, 2.02, 2.29, 2.33, 2.9, 1.7, 1.41, 2.25, 1.54, 1.97, 1.75, 2.16,
    2.57, 1.37, 3.61, 2.04, 2.17, 1.69, 0.27, 1.84, 1.3, 0.96, 1.01, 0.98, 0.35, 1.02, 0.85,
]  # fmt: skip
# logistf on HG ~ NV + PI + EH (firthlogist test fixture): intercept, NV, PI, EH.
ENDOMETRIAL_LOGISTF = [3.77455951, 2.92927330, -0.03475175, -2.60416387]
ENDOMETRIAL_LOGISTF_CI = [
    (1.0825371, 7.20928050),
    (0.6097244, 7.85463171),
    (-0.1244587, 0.04045547),
    (-4.3651832, -1.23272106),
]
ENDOMETRIAL_BRGLM = [3.77456, 2.92927, -0.03475, -2.60416]  # printed to 5 decimals

# --- sex2: case, age, oc, vic, vicl, vis, dia and the number of women with that row ---
SEX2_COUNTS = [
    (1, 0, 0, 0, 0, 1, 0, 1), (1, 0, 0, 1, 0, 0, 0, 14), (1, 0, 0, 1, 0, 1, 0, 3),
    (1, 0, 0, 1, 1, 0, 0, 10), (1, 0, 0, 1, 1, 1, 0, 12), (1, 0, 0, 1, 1, 1, 1, 1),
    (1, 0, 1, 0, 0, 0, 0, 44), (1, 0, 1, 0, 0, 0, 1, 3), (1, 0, 1, 1, 0, 0, 0, 15),
    (1, 0, 1, 1, 0, 0, 1, 1), (1, 0, 1, 1, 0, 1, 0, 2), (1, 0, 1, 1, 1, 0, 0, 7),
    (1, 0, 1, 1, 1, 1, 0, 3), (1, 1, 0, 1, 0, 0, 0, 2), (1, 1, 0, 1, 0, 1, 0, 1),
    (1, 1, 0, 1, 0, 1, 1, 1), (1, 1, 0, 1, 1, 0, 0, 1), (1, 1, 0, 1, 1, 1, 1, 1),
    (1, 1, 1, 0, 0, 0, 0, 5), (1, 1, 1, 1, 0, 0, 0, 3), (0, 0, 0, 0, 0, 1, 0, 1),
    (0, 0, 0, 1, 0, 0, 0, 2), (0, 0, 0, 1, 0, 1, 0, 1), (0, 0, 0, 1, 1, 0, 0, 8),
    (0, 0, 0, 1, 1, 1, 0, 18), (0, 0, 1, 0, 0, 0, 0, 42), (0, 0, 1, 0, 0, 1, 0, 1),
    (0, 0, 1, 1, 0, 0, 0, 1), (0, 0, 1, 1, 1, 0, 0, 5), (0, 0, 1, 1, 1, 1, 0, 6),
    (0, 1, 0, 1, 1, 0, 0, 2), (0, 1, 0, 1, 1, 1, 0, 4), (0, 1, 1, 0, 0, 0, 0, 14),
    (0, 1, 1, 0, 0, 1, 0, 1), (0, 1, 1, 1, 0, 0, 0, 1), (0, 1, 1, 1, 1, 1, 0, 2),
]  # fmt: skip
# logistf on case ~ age + oc + vic + vicl + vis + dia (intercept first).
SEX2_LOGISTF = [
    0.12025404,
    -1.10598130,
    -0.06881673,
    2.26887464,
    -2.11140816,
    -0.78831694,
    3.09601263,
]
SEX2_LOGISTF_CI = [
    (-0.8185591, 1.07315122),
    (-1.9737884, -0.30742514),
    (-0.9414363, 0.78920202),
    (1.2730216, 3.43543273),
    (-3.2608611, -1.11773495),
    (-1.6080879, 0.01518468),
    (0.7745682, 8.03029352),
]
SEX2_LOGISTF_CHISQ = [0.06, 7.51, 0.02, 22.93, 19.10, 3.70, 7.90]  # printed to 2 decimals
SEX2_STANDARD_ERRORS = [0.485542, 0.42366, 0.443793, 0.548416, 0.543082, 0.417368, 1.67501]
SEX2_PENALISED_LOGLIK = -132.5394


def endometrial() -> tuple[np.ndarray, np.ndarray]:
    """Design (intercept, NV, PI, EH) and outcome HG of the endometrial data."""
    nv = np.array([int(c) for c in ENDOMETRIAL_NV], dtype=float)
    design = np.column_stack([np.ones(79), nv, ENDOMETRIAL_PI, ENDOMETRIAL_EH])
    return design, np.array([int(c) for c in ENDOMETRIAL_HG], dtype=float)


def sex2_aggregated() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Design with intercept, outcome and row counts of the sex2 data."""
    table = np.array(SEX2_COUNTS, dtype=float)
    return np.column_stack([np.ones(len(table)), table[:, 1:7]]), table[:, 0], table[:, 7]


def sex2() -> tuple[np.ndarray, np.ndarray]:
    """The 239 rows of sex2, one per woman."""
    design, outcome, counts = sex2_aggregated()
    rows = np.repeat(np.arange(len(counts)), counts.astype(int))
    return design[rows], outcome[rows]


def test_the_transcribed_data_have_the_published_sizes():
    assert len(ENDOMETRIAL_NV) == len(ENDOMETRIAL_PI) == len(ENDOMETRIAL_EH) == 79
    assert len(ENDOMETRIAL_HG) == 79
    design, outcome = sex2()
    assert design.shape == (239, 7) and len(outcome) == 239


def test_endometrial_estimates_match_logistf_and_brglm():
    design, outcome = endometrial()
    fit = fit_firth(design, outcome)
    assert fit.converged
    np.testing.assert_allclose(fit.params, ENDOMETRIAL_LOGISTF, rtol=1e-6)
    np.testing.assert_allclose(fit.params, ENDOMETRIAL_BRGLM, atol=5e-6)


def test_endometrial_profile_limits_match_logistf():
    design, outcome = endometrial()
    limits = [profile_ci(design, outcome, index) for index in range(4)]
    np.testing.assert_allclose(limits, ENDOMETRIAL_LOGISTF_CI, rtol=1e-6)


def test_endometrial_ml_diverges_where_firth_stays_finite():
    # NV = 1 only in high-grade cases (quasi-complete separation): the ML estimate is infinite;
    # glm stops at NV = 18.19 with SE 1715.75 (detectseparation README).
    design, outcome = endometrial()
    assert outcome[design[:, 1] == 1].min() == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ml = sm.Logit(outcome, design).fit(disp=0, maxiter=200)
    assert ml.params[1] > 10 and ml.bse[1] > 100
    fit = fit_firth(design, outcome)
    assert fit.converged and np.isfinite(fit.params).all() and fit.params[1] < 3


def test_sex2_estimates_limits_and_tests_match_logistf():
    design, outcome = sex2()
    fit = fit_firth(design, outcome)
    assert fit.converged
    # logistf's own tests record dia to 1e-6 of its convergence tolerance; firthlogist's fixture
    # gives 3.09601166 for the same coefficient.
    np.testing.assert_allclose(fit.params, SEX2_LOGISTF, rtol=1e-6)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.covariance)), SEX2_STANDARD_ERRORS, atol=1e-5)
    assert fit.loglik == pytest.approx(SEX2_PENALISED_LOGLIK, abs=1e-4)
    limits = [profile_ci(design, outcome, index) for index in range(7)]
    np.testing.assert_allclose(limits, SEX2_LOGISTF_CI, rtol=1e-6)
    chisq = [penalised_lr_statistic(design, outcome, index) for index in range(7)]
    np.testing.assert_allclose(chisq, SEX2_LOGISTF_CHISQ, atol=0.005)


def test_case_weights_equal_repeated_rows():
    design, outcome, counts = sex2_aggregated()
    weighted = fit_firth(design, outcome, weights=counts)
    expanded = fit_firth(*sex2())
    np.testing.assert_allclose(weighted.params, expanded.params, rtol=1e-7)
    np.testing.assert_allclose(weighted.covariance, expanded.covariance, rtol=1e-7)
    assert weighted.loglik == pytest.approx(expanded.loglik, rel=1e-12)
    assert profile_ci(design, outcome, 6, weights=counts) == pytest.approx(
        profile_ci(*sex2(), 6), rel=1e-7
    )


def test_binomial_counts_as_weights_match_brglm():
    # Gelman et al. 2008 example 4.2: z of 5 successes at each of four doses, dose standardised
    # to SD 1/2; brglm prints (Intercept) -0.2032, z.x 5.4207.
    dose = np.array([-0.86, -0.30, -0.05, 0.73])
    dose = 0.5 * (dose - dose.mean()) / dose.std(ddof=1)
    successes = np.array([0, 1, 3, 5])
    design = np.column_stack([np.ones(8), np.tile(dose, 2)])
    outcome = np.repeat([1.0, 0.0], 4)
    weights = np.concatenate([successes, 5 - successes]).astype(float)
    fit = fit_firth(design, outcome, weights=weights)
    np.testing.assert_allclose(fit.params, [-0.2032, 5.4207], atol=5e-5)


@pytest.mark.parametrize("events", [(3, 7), (0, 9)])  # (exposed, unexposed); 0: separation
def test_two_by_two_table_adds_one_half_to_every_cell(events):
    # For a binary covariate the penalised likelihood factorises into two binomials with the
    # Jeffreys prior, whose posterior mode is (y + 1/2) / (m + 1) in each group.
    exposed_events, unexposed_events = events
    sizes = (12, 20)
    exposure = np.repeat([1.0, 0.0], sizes)
    outcome = np.concatenate(
        [np.arange(sizes[0]) < exposed_events, np.arange(sizes[1]) < unexposed_events]
    ).astype(float)
    design = np.column_stack([np.ones(sum(sizes)), exposure])
    fit = fit_firth(design, outcome)
    p1 = (exposed_events + 0.5) / (sizes[0] + 1)
    p0 = (unexposed_events + 0.5) / (sizes[1] + 1)
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    np.testing.assert_allclose(fit.params, [logit(p0), logit(p1) - logit(p0)], rtol=1e-9)
    var0, var1 = 1 / (sizes[1] * p0 * (1 - p0)), 1 / (sizes[0] * p1 * (1 - p1))
    np.testing.assert_allclose(np.diag(fit.covariance), [var0, var0 + var1], rtol=1e-9)


def test_covariance_is_the_inverse_fisher_information_at_the_estimate():
    design, outcome = endometrial()
    fit = fit_firth(design, outcome)
    observed_information = -sm.Logit(outcome, design).hessian(fit.params)
    np.testing.assert_allclose(fit.covariance, np.linalg.inv(observed_information), rtol=1e-10)


def test_large_sample_without_separation_agrees_with_maximum_likelihood():
    rng = np.random.default_rng(np.random.SeedSequence(20250611))
    n = 20_000
    covariates = rng.normal(size=(n, 3))
    design = np.column_stack([np.ones(n), covariates])
    truth = np.array([-0.3, 0.8, -0.5, 0.25])
    outcome = (rng.random(n) < 1 / (1 + np.exp(-design @ truth))).astype(float)
    ml = sm.Logit(outcome, design).fit(disp=0)
    fit = fit_firth(design, outcome)
    assert fit.converged
    # Firth removes the O(1/n) bias: the shift is a small fraction of a standard error.
    np.testing.assert_array_less(np.abs(fit.params - ml.params), 0.05 * ml.bse)
    np.testing.assert_allclose(fit.covariance, ml.cov_params(), rtol=0.01)
    # With n this large the profile limits sit on the Wald limits.
    lower, upper = profile_ci(design, outcome, 1)
    wald = fit.params[1] + np.array([-1, 1]) * 1.959964 * np.sqrt(fit.covariance[1, 1])
    np.testing.assert_allclose([lower, upper], wald, atol=0.02 * np.sqrt(fit.covariance[1, 1]))


def test_complete_separation_gives_finite_estimates_where_ml_has_none():
    x = np.array([-3.0, -2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0])
    outcome = (x > 0).astype(float)
    design = np.column_stack([np.ones(10), x])

    def loglik(slope: float) -> float:
        """The ML log-likelihood along the separating direction (intercept 0)."""
        eta = slope * x
        return float(np.sum(outcome * eta - np.logaddexp(0, eta)))

    # No finite ML estimate: the likelihood keeps rising towards 0 as the slope grows.
    assert loglik(1) < loglik(10) < loglik(100) < 0
    fit = fit_firth(design, outcome)
    assert fit.converged and np.isfinite(fit.params).all() and 0 < fit.params[1] < 10
    lower, upper = profile_ci(design, outcome, 1)
    assert 0 < lower < fit.params[1] < upper < np.inf


def test_inputs_that_cannot_be_fitted_are_refused():
    design, outcome = endometrial()
    with pytest.raises(ValueError, match="rank-deficient"):
        fit_firth(np.column_stack([design, design[:, 1]]), outcome)
    with pytest.raises(ValueError, match="0 or 1"):
        fit_firth(design, outcome * 2)
    with pytest.raises(ValueError, match="length"):
        fit_firth(design[:-1], outcome)
    with pytest.raises(ValueError, match="non-negative"):
        fit_firth(design, outcome, weights=-np.ones(79))
