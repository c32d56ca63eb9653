"""Interaction measures against published values, closed forms and exact identities."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from interplay.interaction import measures as ia
from interplay.interaction.product_tests import product_tests
from interplay.models import logistic as models
from scipy import stats

ALC = ["alc", "smk", "alc:smk"]
TERMS = ["intercept", *ALC]


def individual_rows(cells: dict[tuple[int, int], tuple[int, int]]) -> pd.DataFrame:
    """One row per person from {(alc, smk): (cases, controls)}."""
    rows = []
    for (alc, smk), (cases, controls) in cells.items():
        rows += [(alc, smk, 1)] * cases + [(alc, smk, 0)] * controls
    frame = pd.DataFrame(rows, columns=["alc", "smk", "outcome"])
    return frame.assign(patient_id=range(len(frame)))


# Rothman & Keller (J Chronic Dis 1972) oral cancer: (alcohol, smoking) -> (cases, controls), as
# analysed by Hosmer & Lemeshow (1992), Zou (2008) and R's interactionR (OCdata).
ROTHMAN_KELLER = {(0, 0): (3, 20), (0, 1): (8, 18), (1, 0): (6, 12), (1, 1): (225, 166)}


@pytest.fixture(scope="module")
def oral_cancer():
    """log OR10 (alcohol only), OR01 (smoking only), OR11 and covariance; unexposed reference."""
    fit = models.fit_model(individual_rows(ROTHMAN_KELLER), TERMS)
    coefficients, covariances = ia.exposure_block([fit], ALC)
    return ia.transform(coefficients, covariances, ia.joint_contrasts((0, 0)))


def values(table: pd.DataFrame, term: str) -> tuple[float, float, float]:
    """(estimate, ci_low, ci_high) of one row."""
    row = table.set_index("term").loc[term]
    return row["estimate"], row["ci_low"], row["ci_high"]


def test_rothman_keller_joint_odds_ratios(oral_cancer):
    """interactionR: alcohol only 3.333 (0.701–15.859), smoking only 2.963 (0.680–12.910),
    both 9.036 (2.641–30.913)."""
    table = ia.joint_odds_ratios(*oral_cancer, np.inf, 0.95)
    assert values(table, "or_10") == pytest.approx((3.333, 0.701, 15.859), rel=1e-3)
    assert values(table, "or_01") == pytest.approx((2.963, 0.680, 12.910), rel=1e-3)
    assert values(table, "or_11") == pytest.approx((9.036, 2.641, 30.913), rel=1e-3)


def test_rothman_keller_delta_method(oral_cancer):
    """Hosmer & Lemeshow (1992): RERI 3.740 (−1.837, 9.316), AP 0.414 (−0.073, 0.901),
    S 1.870 (0.646, 5.416)."""
    table = ia.additive_delta(*oral_cancer, np.inf, 0.95)
    assert values(table, "reri") == pytest.approx((3.740, -1.837, 9.316), abs=1.5e-3)
    assert values(table, "ap") == pytest.approx((0.414, -0.073, 0.901), abs=1e-3)
    assert values(table, "s") == pytest.approx((1.870, 0.646, 5.416), abs=1e-3)


def test_rothman_keller_mover(oral_cancer):
    """Zou (2008) / interactionR: RERI 3.74 with MOVER interval (−11.43, 21.87); MOVER for S
    (two symmetric log-scale terms) coincides with the delta interval of ln S."""
    mover = ia.additive_mover(*oral_cancer, np.inf, 0.95)
    assert values(mover, "reri") == pytest.approx((3.740, -11.43, 21.87), abs=5e-3)
    delta = ia.additive_delta(*oral_cancer, np.inf, 0.95)
    assert values(mover, "s") == pytest.approx(values(delta, "s"), rel=1e-9)
    estimate, low, high = values(mover, "ap")
    assert low < estimate < high


def test_mover_of_independent_symmetric_terms_is_wald():
    """With independent terms and symmetric limits, MOVER is estimate ± sqrt(Σ half-widths²)."""
    points = np.array([1.0, -2.0, 0.5])
    half = np.array([0.3, 0.4, 1.2])
    low, high = ia.mover_limits(points, points - half, points + half, np.eye(3))
    width = np.sqrt((half**2).sum())
    assert (low, high) == pytest.approx((points.sum() - width, points.sum() + width))


def test_complement_direction_equals_modelling_the_complement():
    """direction −1 on a model of Y equals direction +1 on a model of 1 − Y (exactly)."""
    data = individual_rows(ROTHMAN_KELLER)
    fit = models.fit_model(data, TERMS)
    flipped = models.fit_model(data.assign(outcome=1 - data["outcome"]), TERMS)
    for reference in ia.CELLS:
        theta, cov = ia.transform(*ia.exposure_block([fit], ALC), ia.joint_contrasts(reference, -1))
        expected = ia.transform(*ia.exposure_block([flipped], ALC), ia.joint_contrasts(reference))
        np.testing.assert_allclose(theta, expected[0], atol=1e-7)
        np.testing.assert_allclose(cov, expected[1], rtol=1e-5)


@pytest.mark.parametrize("reference", [(1, 0), (0, 1), (1, 1)])
def test_recoded_reference_equals_refit_with_recoded_exposures(reference):
    """Knol et al. (2011) recoding A* = |A − A_ref| refitted gives the contrasts' log ORs."""
    data = individual_rows(ROTHMAN_KELLER)
    fit = models.fit_model(data, TERMS)
    theta, cov = ia.transform(*ia.exposure_block([fit], ALC), ia.joint_contrasts(reference))
    recoded = data.assign(
        alc=(data["alc"] - reference[0]).abs(), smk=(data["smk"] - reference[1]).abs()
    )
    refit = models.fit_model(recoded, TERMS)
    b = refit.estimates[1:]
    np.testing.assert_allclose(theta[0], [b[0], b[1], b.sum()], atol=1e-7)
    contrast = np.array([[1.0, 0, 0], [0, 1, 0], [1, 1, 1]])
    np.testing.assert_allclose(cov[0], contrast @ refit.covariance[1:, 1:] @ contrast.T, rtol=1e-5)


def test_lowest_risk_reference_makes_every_joint_or_at_least_one():
    """The lowest-odds cell as reference leaves OR10, OR01, OR11 ≥ 1, for either outcome."""
    beta = np.array([-1.0, 0.5, 0.2])  # cells' log-odds: 00 0, 10 −1, 01 0.5, 11 −0.3
    assert ia.lowest_risk_cell(beta) == (1, 0)
    assert ia.lowest_risk_cell(beta, direction=-1) == (0, 1)
    for direction in (1, -1):
        reference = ia.lowest_risk_cell(beta, direction)
        assert (ia.joint_contrasts(reference, direction) @ beta >= 0).all()


def test_interaction_contrast_matches_binomial_closed_form():
    """Saturated model without covariates: standardised risks are the cell proportions and the
    delta variance of IC is Σ p(1 − p)/n over the four cells."""
    data = individual_rows({(0, 0): (30, 50), (0, 1): (45, 40), (1, 0): (20, 70), (1, 1): (60, 25)})
    fit = models.fit_model(data, TERMS)
    risks, cov = ia.cell_risks([fit], [data], ["alc", "smk"])
    grouped = data.groupby(["alc", "smk"])["outcome"]
    proportion = [grouped.mean()[cell] for cell in ia.CELLS]
    np.testing.assert_allclose(risks[0], proportion, rtol=1e-7)
    binomial = [grouped.mean()[c] * (1 - grouped.mean()[c]) / grouped.size()[c] for c in ia.CELLS]
    np.testing.assert_allclose(np.diag(cov[0]), binomial, rtol=1e-5)
    ic = ia.additive_risk_delta(risks, cov, (0, 0), np.inf, 0.95).iloc[:1]
    p00, p10, p01, p11 = proportion
    se = np.sqrt(sum(binomial))
    z = stats.norm.ppf(0.975)
    assert ic["estimate"][0] == pytest.approx(p11 - p10 - p01 + p00)
    assert ic["std_error"][0] == pytest.approx(se, rel=1e-5)
    assert ic["ci_low"][0] == pytest.approx(p11 - p10 - p01 + p00 - z * se, rel=1e-5)
    complement, _ = ia.cell_risks([fit], [data], ["alc", "smk"], direction=-1)
    np.testing.assert_allclose(complement, 1 - risks)
    recoded = ia.additive_risk_delta(risks, cov, (1, 1), np.inf, 0.95).iloc[:1]
    assert recoded["estimate"][0] == pytest.approx(ic["estimate"][0])  # both levels swapped


def test_identical_imputations_pool_to_the_single_data_set(oral_cancer):
    """m copies of one data set: no between-imputation variance, same estimates and SEs."""
    theta, cov = oral_cancer
    copies = np.repeat(theta, 4, axis=0), np.repeat(cov, 4, axis=0)
    single = ia.additive_delta(theta, cov, 100.0, 0.95)
    pooled = ia.additive_delta(*copies, 100.0, 0.95)
    np.testing.assert_allclose(pooled["estimate"], single["estimate"])
    np.testing.assert_allclose(pooled["std_error"], single["std_error"])
    assert (pooled["ci_method"] == "rubin_t").all()
    mover = ia.additive_mover(*copies, 100.0, 0.95)
    assert values(mover, "reri")[0] == pytest.approx(values(single, "reri")[0])


def test_complete_data_tests_match_statsmodels():
    """Wald χ² = z² of the product term; LR χ² = statsmodels' likelihood-ratio of nested fits."""
    data = individual_rows(ROTHMAN_KELLER)
    full = models.fit_model(data, TERMS)
    reduced = models.fit_model(data, TERMS[:3])
    tests = product_tests([full], [reduced], [data]).set_index("term")
    x = models.design_matrix(data, TERMS)
    sm_full = sm.Logit(data["outcome"], x).fit(disp=0)
    sm_reduced = sm.Logit(data["outcome"], x[TERMS[:3]]).fit(disp=0)
    lr = 2 * (sm_full.llf - sm_reduced.llf)
    assert tests.loc["lr_test", "estimate"] == pytest.approx(lr)
    assert tests.loc["lr_test", "p_value"] == pytest.approx(stats.chi2.sf(lr, 1))
    assert tests.loc["wald_test", "estimate"] == pytest.approx(sm_full.tvalues["alc:smk"] ** 2)
    assert tests.loc["wald_test", "p_value"] == pytest.approx(sm_full.pvalues["alc:smk"])
