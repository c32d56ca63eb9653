"""Firth as the analysis estimator: its tests of the product term, alone and pooled by D2."""

import numpy as np
import pandas as pd
import pytest
from interplay.interaction.product_tests import product_tests
from interplay.models import logistic as models
from interplay.models.firth import fit_firth, penalised_lr_statistic
from interplay.models.pool import pool_d2_chi_squares
from scipy import stats

TERMS = ["intercept", "exposure_high", "modifier_high", "exposure_high:modifier_high"]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    """A small cohort with an interaction, where Firth and ML differ visibly."""
    rng = np.random.default_rng(11)
    n = 120
    a, b = rng.integers(0, 2, n), rng.integers(0, 2, n)
    p = 1 / (1 + np.exp(-(0.2 - 0.8 * a + 0.9 * a * b)))
    return pd.DataFrame({"exposure_high": a, "modifier_high": b, "outcome": rng.binomial(1, p)})


def fits(data: pd.DataFrame, copies: int) -> tuple[list, list]:
    """Full and reduced Firth fits of `copies` identical data sets."""
    full = [models.fit_model(data, TERMS, "firth") for _ in range(copies)]
    reduced = [models.fit_model(data, TERMS[:3], "firth") for _ in range(copies)]
    return full, reduced


def test_firth_estimator_delegates_to_fit_firth(data) -> None:
    fit = models.fit_model(data, TERMS, "firth")
    design = models.design_matrix(data, TERMS).to_numpy(float)
    direct = fit_firth(design, data["outcome"].to_numpy(float))
    np.testing.assert_allclose(fit.estimates, direct.params, atol=1e-12)
    assert fit.estimator == "firth" and fit.converged


def test_single_data_set_uses_the_penalised_lr_statistic(data) -> None:
    full, reduced = fits(data, 1)
    tests = product_tests(full, reduced, [data]).set_index("term")
    design = models.design_matrix(data, TERMS).to_numpy(float)
    expected = penalised_lr_statistic(design, data["outcome"].to_numpy(float), 3)
    assert tests.loc["lr_test", "estimate"] == pytest.approx(expected, rel=1e-10)
    assert tests.loc["lr_test", "p_value"] == pytest.approx(stats.chi2.sf(expected, 1))


def test_d2_of_identical_imputations_is_the_single_test(data) -> None:
    """With no between-imputation variation D2 reduces to χ²/k with df2 = ∞."""
    full, reduced = fits(data, 3)
    pooled = product_tests(full, reduced, [data] * 3).set_index("term")
    single = product_tests(full[:1], reduced[:1], [data]).set_index("term")
    assert pooled.loc["lr_test", "estimate"] == pytest.approx(single.loc["lr_test", "estimate"])
    assert pooled.loc["lr_test", "p_value"] == pytest.approx(single.loc["lr_test", "p_value"])
    assert pooled.loc["lr_test", ["ci_method", "df1", "df2"]].tolist() == ["d2_f", 1, np.inf]


def test_d2_worked_example() -> None:
    """Statistics 4, 9, 16 with k = 1: √d = 2, 3, 4 has variance 1, so r = 4/3 (FIMD §5.3.4)."""
    result = pool_d2_chi_squares(np.array([4.0, 9.0, 16.0]), 1)
    r = (1 + 1 / 3) * 1.0
    statistic = (29 / 3 - (4 / 2) * r) / (1 + r)
    df2 = 1 ** (-3 / 3) * 2 * (1 + 1 / r) ** 2
    assert result["riv"] == pytest.approx(r)
    assert result["statistic"] == pytest.approx(statistic)
    assert result["df2"] == pytest.approx(df2)
    assert result["p_value"] == pytest.approx(stats.f.sf(statistic, 1, df2))
