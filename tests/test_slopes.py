"""Simple slopes, Johnson–Neyman and predictions against refits, brute force and closed forms."""

import numpy as np
import pandas as pd
import pytest
from interplay.errors import InputError
from interplay.interaction import slopes
from interplay.models import logistic as models
from interplay.pair import Variable
from scipy import stats
from scipy.special import expit, logit

TERMS = ["intercept", "exposure_scaled", "modifier_scaled", "exposure_scaled:modifier_scaled"]
SCALE = slopes.Scale("per_sd", 22.0, 7.5)  # the modifier's mean and SD, e.g. BDNF in ng/mL
LOG2 = slopes.Scale("log2")


def continuous_data(n: int = 1500, seed: int = 7) -> pd.DataFrame:
    """log2 exposure, a modifier (raw and SD units), age and an outcome with a continuous
    interaction."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    modifier = rng.normal(22, 7.5, n)
    data = pd.DataFrame(
        {
            "patient_id": range(n),
            "exposure_scaled": rng.normal(-0.7, 1.5, n),
            "modifier": modifier,
            "modifier_scaled": (modifier - modifier.mean()) / modifier.std(ddof=1),
            "age": rng.normal(55, 15, n),
        }
    )
    eta = -0.2 - 0.25 * data["exposure_scaled"] + 0.2 * data["modifier_scaled"]
    eta += 0.2 * data["exposure_scaled"] * data["modifier_scaled"] + 0.01 * (data["age"] - 55)
    data["outcome"] = (rng.random(n) < expit(eta)).astype(int)
    return data


def fake_fit(b1: float, b3: float, v11: float, v13: float, v33: float) -> models.LogisticFit:
    """A fitted continuous model with the given slope coefficients and their covariance."""
    covariance = np.diag([0.1, v11, 0.01, v33])
    covariance[1, 3] = covariance[3, 1] = v13
    return models.LogisticFit(
        TERMS, np.array([0.0, b1, 0.1, b3]), covariance, -1.0, 1000, 400, models.OK, "logistic"
    )


def brute_force_boundaries(b1, b3, v11, v13, v33, critical, step=1e-4, limit=20.0):
    """z where significance of the slope b1 + b3 z flips, found by scanning a fine grid."""
    z = np.arange(-limit, limit, step)
    significant = np.abs(b1 + b3 * z) > critical * np.sqrt(v11 + 2 * z * v13 + z**2 * v33)
    flips = np.flatnonzero(np.diff(significant.astype(int)))
    return z[flips] + step / 2, significant


CASES = {
    "significant outside the roots": (-0.3, 0.25, 0.01, 0.001, 0.008),
    "significant between the roots": (-0.3, 0.05, 0.01, 0.001, 0.008),
    "never significant": (0.05, 0.02, 0.01, 0.001, 0.008),
}


@pytest.mark.parametrize("case", CASES)
def test_johnson_neyman_closed_form_matches_brute_force(case):
    """Roots of the quadratic are where a fine grid scan sees significance switch."""
    params = CASES[case]
    critical = stats.norm.ppf(0.975)
    expected, significant = brute_force_boundaries(*params, critical)
    boundaries = slopes.jn_boundaries(*params, critical)
    np.testing.assert_allclose(boundaries, expected, atol=2e-4)
    table = slopes.johnson_neyman([fake_fit(*params)], np.array([10.0, 22.0, 40.0]), SCALE, 0.95)
    assert (
        table["modifier_scaled_from"].iloc[0] == -np.inf
        and table["modifier_scaled_to"].iloc[-1] == np.inf
    )
    np.testing.assert_allclose(table["modifier_scaled_to"].iloc[:-1], expected, atol=2e-4)
    np.testing.assert_allclose(table["modifier_to"].iloc[:-1], 22.0 + 7.5 * expected, atol=2e-3)
    z = np.arange(-20, 20, 1e-4)
    for row in table.itertuples():
        inside = (z > row.modifier_scaled_from + 1e-3) & (z < row.modifier_scaled_to - 1e-3)
        assert (significant[inside] == row.significant).all()
    assert table["observed_share"].sum() == pytest.approx(1.0)


def test_simple_slopes_equal_refits_with_centred_modifier():
    """The slope at modifier z0 is the exposure coefficient (and SE) after centring it at z0."""
    data = continuous_data()
    terms = [*TERMS, "age"]
    fit = models.fit_model(data, terms)
    z0 = np.array([-1.3, 0.0, 0.9])
    scale = slopes.Scale("per_sd", 1.0, 2.0)  # any scale: modifier values go to z through it
    table = slopes.simple_slopes([fit], 1.0 + 2.0 * z0, scale, 0.95)
    for z, row in zip(z0, table.itertuples(), strict=True):
        refit = models.fit_model(data.assign(modifier_scaled=data["modifier_scaled"] - z), terms)
        i = refit.index("exposure_scaled")
        assert row.estimate == pytest.approx(refit.estimates[i], abs=1e-7)
        assert row.std_error == pytest.approx(np.sqrt(refit.covariance[i, i]), rel=1e-5)
        assert row.odds_ratio == pytest.approx(np.exp(refit.estimates[i]), rel=1e-6)
        z_crit = stats.norm.ppf(0.975)
        assert row.ci_low == pytest.approx(np.exp(row.estimate - z_crit * row.std_error))


MODIFIER = Variable("modifier", "bdnf", "BDNF", "ng/mL", "biomarker", "per_sd", "median")


def test_per_sd_scale_is_recovered_from_the_data():
    """modifier_scaled = (modifier − mean)/SD in the data gives back that mean and SD."""
    data = continuous_data()
    scale = slopes.variable_scale(data, MODIFIER)
    assert scale.location == pytest.approx(data["modifier"].mean())
    assert scale.spread == pytest.approx(data["modifier"].std(ddof=1))
    with pytest.raises(InputError, match="not the per_sd transform of modifier"):
        slopes.variable_scale(
            data.assign(modifier_scaled=np.log(data["modifier"].abs() + 1)), MODIFIER
        )


@pytest.mark.parametrize(
    ("transform", "scaled"),
    [("log2", np.log2), ("none", lambda x: x)],
)
def test_log2_and_none_scales_are_checked_against_the_data(transform, scaled):
    """log2: z = log2 x and x = 2^z; none: the identity; a column on another scale is refused."""
    x = np.array([0.5, 1.0, 3.0, 8.0])
    variable = Variable("exposure", "il6", "IL-6", "pg/mL", "biomarker", transform, "median")
    data = pd.DataFrame({"exposure": x, "exposure_scaled": scaled(x)})
    scale = slopes.variable_scale(data, variable)
    np.testing.assert_allclose(scale.scaled(x), scaled(x))
    np.testing.assert_allclose(scale.value(scaled(x)), x)
    with pytest.raises(InputError, match=f"not the {transform} transform"):
        slopes.variable_scale(data.assign(exposure_scaled=(x - x.mean()) / x.std()), variable)


def test_predictions_without_covariates_are_the_fitted_curve():
    """No covariates: the standardised probability is expit(x'β), its logit SE sqrt(x'Vx)."""
    data = continuous_data(n=600)
    fit = models.fit_model(data, TERMS)
    design = models.design_matrix(data, TERMS)
    exposure = np.array([0.2, 1.0, 4.0])
    modifier = np.array([15.0, 30.0])
    table = slopes.prediction_grid([fit], [design], exposure, modifier, (LOG2, SCALE), 0.95)
    assert len(table) == len(exposure) * len(modifier)
    for row in table.itertuples():
        g, z = np.log2(row.exposure), (row.modifier - 22.0) / 7.5
        assert (row.exposure_scaled, row.modifier_scaled) == pytest.approx((g, z))
        x = np.array([1.0, g, z, g * z])
        assert row.probability == pytest.approx(expit(x @ fit.estimates))
        se = np.sqrt(x @ fit.covariance @ x)
        expected_low = expit(logit(row.probability) - stats.norm.ppf(0.975) * se)
        assert row.ci_low == pytest.approx(expected_low, rel=1e-6)


EXPOSURE = Variable("exposure", "il1b", "IL-1β", "pg/mL", "biomarker", "log2", "median")


def test_exposure_grid_spans_the_central_ninety_percent():
    """Grid from the 5th to the 95th percentile, evenly spaced in log2."""
    values = 2 ** np.linspace(-5, 5, 1001)
    grid = slopes.exposure_grid(values, EXPOSURE, LOG2)
    assert np.log2(grid[0]) == pytest.approx(-4.5)
    assert np.log2(grid[-1]) == pytest.approx(4.5)
    assert np.allclose(np.diff(np.log2(grid)), np.diff(np.log2(grid))[0])


def test_exposure_grid_per_unit_is_evenly_spaced_in_the_unit():
    """transform none: evenly spaced values between the 5th and 95th percentiles themselves."""
    values = np.linspace(0, 100, 1001)
    variable = Variable("exposure", "crp", "CRP", "mg/L", "biomarker", "none", "median")
    grid = slopes.exposure_grid(values, variable, slopes.Scale("none"))
    assert (grid[0], grid[-1]) == pytest.approx((5.0, 95.0))
    assert np.allclose(np.diff(grid), 90 / (slopes.GRID_POINTS - 1))
