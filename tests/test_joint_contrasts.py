"""Tertile contrasts from the joint model equal the same ORs from a reparameterised refit."""

import numpy as np
import pandas as pd
import pytest
from interplay.interaction import joint
from interplay.models import logistic as models

COVARIATES = ["age"]


@pytest.fixture(scope="module")
def tertile_data() -> pd.DataFrame:
    """A cohort with a 3 × 3 joint exposure whose effect depends on both levels."""
    rng = np.random.default_rng(7)
    n = 3000
    il1b, bdnf = rng.integers(1, 4, n), rng.integers(1, 4, n)
    age = rng.normal(55, 10, n)
    linear = -0.2 + 0.02 * (age - 55) - 0.5 * (il1b == 3) * (bdnf == 1) + 0.3 * (bdnf == 3)
    outcome = rng.binomial(1, 1 / (1 + np.exp(-linear)))
    return pd.DataFrame(
        {"exposure_tertile": il1b, "modifier_tertile": bdnf, "age": age, "outcome": outcome}
    )


def joint_model(data: pd.DataFrame, reference: tuple[int, int]):
    """The tertile joint model with this reference cell."""
    terms = joint.joint_model_terms("tertiles", reference, COVARIATES)
    return joint.joint_fit(
        joint.joint_term_data(data, "tertiles", terms), "tertiles", reference, COVARIATES
    )


def refit_coefficient(data: pd.DataFrame, reference: tuple[int, int], cell: tuple[int, int]):
    """Estimate and SE of one joint cell against another reference cell, by refitting."""
    fit = joint_model(data, reference)
    index = fit.terms.index(joint.joint_term(cell, "tertiles"))
    return fit.estimates[index], np.sqrt(fit.covariance[index, index])


def test_extreme_level_contrasts_equal_refits_with_other_references(tertile_data) -> None:
    fit = joint_model(tertile_data, (1, 1))
    contrasts = joint.extreme_level_contrasts("tertiles")
    within_low = models.linear_combination(fit, contrasts["exposure_T3|modifier_T1"])
    within_high = models.linear_combination(fit, contrasts["exposure_T3|modifier_T3"])
    ratio = models.linear_combination(fit, contrasts["exposure_T3:modifier_T3"])
    expected_low = refit_coefficient(tertile_data, (1, 1), (3, 1))
    expected_high = refit_coefficient(tertile_data, (1, 3), (3, 3))
    assert within_low[0] == pytest.approx(expected_low[0], abs=1e-8)
    assert np.sqrt(within_high[1]) == pytest.approx(expected_high[1], rel=1e-6)
    assert within_high[0] == pytest.approx(expected_high[0], abs=1e-8)
    assert ratio[0] == pytest.approx(expected_high[0] - expected_low[0], abs=1e-8)
