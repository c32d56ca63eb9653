"""Logistic models: fits against independent implementations, exact identities, input errors."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from interplay.errors import InputError
from interplay.interaction.joint import (
    joint_counts,
    joint_fit,
    joint_model_terms,
    joint_term,
    joint_term_data,
)
from interplay.models import logistic as models
from scipy import optimize, stats
from scipy.special import expit

COVARIATES = ["age", "sex"]


def synthetic(n: int = 800, seed: int = 1) -> pd.DataFrame:
    """A small analysis-like dataset with a true IL-1β × BDNF interaction."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    data = pd.DataFrame(
        {
            "patient_id": [f"P{i:04d}" for i in range(n)],
            "age": rng.normal(55, 15, n).round(),
            "sex": rng.choice(["female", "male"], n, p=[0.7, 0.3]),
            "exposure_high": rng.integers(0, 2, n),
            "modifier_high": rng.integers(0, 2, n),
        }
    )
    eta = (
        -0.5
        + 0.01 * (data["age"] - 55)
        - 0.2 * (data["sex"] == "male")
        - 0.7 * data["exposure_high"]
        + 0.1 * data["modifier_high"]
        + 0.7 * data["exposure_high"] * data["modifier_high"]
    )
    data["outcome"] = (rng.random(n) < expit(eta)).astype(int)
    return data


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return synthetic()


def product_terms() -> list[str]:
    return models.model_terms(models.MODEL_EXPOSURES["product"], COVARIATES)


def test_terms_and_design_follow_the_shared_naming(data):
    """sex becomes sex_male (female reference); products multiply; missing values stay NaN."""
    terms = product_terms()
    assert terms == [
        "intercept", "exposure_high", "modifier_high", "exposure_high:modifier_high", "age",
        "sex_male",
    ]  # fmt: skip
    gappy = data.head(4).copy()
    gappy.loc[1, "sex"] = np.nan
    design = models.design_matrix(gappy, terms)
    assert list(design.columns) == terms
    assert (design["intercept"] == 1).all()
    expected_male = (gappy["sex"] == "male").astype(float).where(gappy["sex"].notna())
    pd.testing.assert_series_equal(design["sex_male"], expected_male, check_names=False)
    product = gappy["exposure_high"] * gappy["modifier_high"]
    np.testing.assert_array_equal(design["exposure_high:modifier_high"], product)
    assert models.source_columns(terms) == ["exposure_high", "modifier_high", "age", "sex"]


def test_fit_maximises_the_written_out_likelihood(data):
    """Estimates, log-likelihood and covariance agree with scipy on Σ y·η − log(1 + e^η)."""
    fit = models.fit_model(data, product_terms())
    x = models.design_matrix(data, product_terms()).to_numpy()
    y = data["outcome"].to_numpy(dtype=float)

    def negative_loglik(beta):
        eta = x @ beta
        return -(y @ eta - np.logaddexp(0, eta).sum())

    def gradient(beta):
        return -x.T @ (y - expit(x @ beta))

    result = optimize.minimize(
        negative_loglik, np.zeros(x.shape[1]), jac=gradient, method="BFGS", tol=1e-10
    )
    np.testing.assert_allclose(fit.estimates, result.x, atol=1e-5)
    assert fit.loglik == pytest.approx(-result.fun, abs=1e-8)
    p = expit(x @ result.x)
    information = x.T @ (x * (p * (1 - p))[:, None])
    np.testing.assert_allclose(fit.covariance, np.linalg.inv(information), rtol=1e-4)
    assert fit.converged and fit.n == len(data) and fit.n_events == int(y.sum())


def test_fit_agrees_with_glm_binomial(data):
    """statsmodels GLM (IRLS) gives the same coefficients and standard errors."""
    fit = models.fit_model(data, product_terms())
    design = models.design_matrix(data, product_terms())
    glm = sm.GLM(data["outcome"], design, family=sm.families.Binomial()).fit()
    np.testing.assert_allclose(fit.estimates, glm.params, rtol=1e-7)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.covariance)), glm.bse, rtol=1e-6)


def test_stratum_combination_equals_reparameterised_model(data):
    """β1 + β3 and its variance equal the IL-1β coefficient with high BDNF as the reference."""
    fit = models.fit_model(data, product_terms())
    recoded = data.assign(modifier_high=1 - data["modifier_high"])
    refit = models.fit_model(recoded, product_terms())
    weights = models.stratum_weights(fit, "exposure_high", "modifier_high")
    estimate, variance = models.linear_combination(fit, weights[1])
    i = refit.index("exposure_high")
    assert estimate == pytest.approx(refit.estimates[i], abs=1e-8)
    assert variance == pytest.approx(refit.covariance[i, i], rel=1e-6)
    low_estimate, _ = models.linear_combination(fit, weights[0])
    assert low_estimate == fit.estimates[fit.index("exposure_high")]


def test_unadjusted_stratum_fits_give_woolf_odds_ratios(data):
    """Without covariates each stratum fit is the crude 2×2 log OR with Woolf's SE."""
    terms = models.model_terms(["exposure_high", "modifier_high"], [])
    fits = models.stratum_fits(models.term_data(data, terms), "exposure_high", "modifier_high", [])
    for level, fit in fits.items():
        stratum = data[data["modifier_high"] == level]
        table = pd.crosstab(stratum["exposure_high"], stratum["outcome"]).to_numpy()
        log_or = np.log(table[1, 1] * table[0, 0] / (table[1, 0] * table[0, 1]))
        woolf = np.sqrt((1 / table).sum())
        i = fit.index("exposure_high")
        assert fit.estimates[i] == pytest.approx(log_or, abs=1e-8)
        assert np.sqrt(fit.covariance[i, i]) == pytest.approx(woolf, rel=1e-6)
        assert fit.n == len(stratum)


def test_summary_uses_z_for_one_data_set_and_rubin_t_for_several():
    """m = 1: estimate ± z·SE; m > 1: mean ± t(df)·sqrt(Ū + (1 + 1/m)B)."""
    single = models.summarise_estimates(np.array([[0.5]]), np.array([[0.04]]), ["b"], 100, 0.95)
    z = stats.norm.ppf(0.975)
    assert single["ci_low"][0] == pytest.approx(0.5 - z * 0.2)
    assert single["df"][0] == np.inf and single["ci_method"][0] == "wald_z"
    assert single["p_value"][0] == pytest.approx(2 * stats.norm.sf(2.5))
    estimates = np.array([[0.4], [0.5], [0.7]])
    variances = np.array([[0.04], [0.05], [0.03]])
    pooled = models.summarise_estimates(estimates, variances, ["b"], 100, 0.9)
    total = variances.mean() + (1 + 1 / 3) * estimates.var(ddof=1)
    assert pooled["std_error"][0] == pytest.approx(np.sqrt(total))
    half = stats.t.ppf(0.95, pooled["df"][0]) * np.sqrt(total)
    assert pooled["ci_high"][0] == pytest.approx(estimates.mean() + half)
    assert pooled["ci_method"][0] == "rubin_t" and 0 < pooled["fmi"][0] < 1


def test_joint_fit_without_covariates_gives_crude_cell_odds_ratios(data):
    """Unadjusted joint-cell ORs against low/low are the crude odds ratios of the 2×2×2 table."""
    terms = joint_term_data(data, "split", joint_model_terms("split", (0, 0), []))
    fit = joint_fit(terms, "split", (0, 0), [])
    counts = joint_counts(data, "split").set_index(["exposure_level", "modifier_level"])
    reference = counts.loc[("low", "low")]
    for a, b in [(0, 1), (1, 0), (1, 1)]:
        labels = ("low", "high")
        cell = counts.loc[(labels[a], labels[b])]
        crude = (cell["remitters"] / cell["non_remitters"]) / (
            reference["remitters"] / reference["non_remitters"]
        )
        estimate = fit.estimates[fit.index(joint_term((a, b), "split"))]
        assert np.exp(estimate) == pytest.approx(crude, rel=1e-7)
    assert counts["n"].sum() == len(data)
    assert (counts["remitters"] + counts["non_remitters"] == counts["n"]).all()


def test_separation_is_reported_as_not_converged():
    """An exposure that predicts the outcome perfectly gives converged = False."""
    x = np.r_[np.zeros(20), np.ones(20)]
    frame = pd.DataFrame({"patient_id": range(40), "x": x, "outcome": x.astype(int)})
    fit = models.fit_model(frame, ["intercept", "x"])
    assert not fit.converged


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (lambda d: d.assign(sex=d["sex"].replace({"male": "M"})), "sex"),
        (lambda d: d.assign(age=d["age"].astype(object).where(d.index > 2, "old")), "age"),
        (lambda d: d.drop(columns="age"), "age"),
        (lambda d: d.assign(outcome=d["outcome"].where(d.index > 0, 2)), "outcome"),
    ],
)
def test_bad_data_are_input_errors(data, change, column):
    """Unknown levels, text in numbers, absent columns and bad outcomes name column and IDs."""
    with pytest.raises(InputError) as error:
        models.fit_model(change(data), product_terms())
    assert error.value.column == column
    assert "analysis dataset" in error.value.message()


def test_constant_covariate_is_an_input_error(data):
    """A covariate constant in the analysed rows cannot be estimated: say which one."""
    with pytest.raises(InputError, match="sex_male constant") as error:
        models.fit_model(data.assign(sex="female"), product_terms())
    assert error.value.column == "sex_male"


def test_unknown_estimator_is_an_input_error(data):
    """An estimator that does not exist is named, with the ones that do."""
    with pytest.raises(InputError, match="logistic, firth"):
        models.fit_model(data, product_terms(), estimator="probit")


def test_numeric_columns_are_what_to_numeric_gives_as_floats():
    data = pd.DataFrame(
        {
            "floats": [1.5, np.nan, -0.0, 1e-300],
            "integers": [1, 2, 3, -4],
            "flags": [True, False, True, False],
            "nullable": pd.array([1, None, 3, 4], dtype="Int64"),
            "text": ["1.5", None, "-0", "7"],
        }
    )
    for column in data.columns:
        expected = pd.to_numeric(data[column], errors="coerce").astype(float)
        pd.testing.assert_series_equal(models.numeric_column(data, column), expected)
        assert np.array_equal(np.signbit(models.numeric_column(data, column)), np.signbit(expected))
