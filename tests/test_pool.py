"""Rubin's rules, D1 and D3: hand-worked examples, statsmodels, and R's mice on the same data."""

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from conftest import rscript_or_skip
from interplay.models.newton import newton_logistic
from interplay.models.pool import (
    loglik_at,
    pool_d1_wald,
    pool_d3_logistic,
    pool_rubin,
    pooled_covariance,
)
from scipy import stats

R_DIR = Path(__file__).resolve().parent / "r"
R_PACKAGES_ABSENT = 3  # exit status of tests/r/*.R when mice or mitml is not installed
TERMS = ["(Intercept)", "a", "b", "ab", "x"]


def run_r_script(script: str, *arguments: str) -> None:
    """Run tests/r/<script>; skip when R or mice is absent unless INTERPLAY_REQUIRE_R=1 (CI)."""
    required = os.environ.get("INTERPLAY_REQUIRE_R") == "1"
    rscript = rscript_or_skip()
    result = subprocess.run(
        [rscript, str(R_DIR / script), *arguments], capture_output=True, text=True, timeout=300
    )
    if result.returncode == R_PACKAGES_ABSENT:
        if required:
            pytest.fail("INTERPLAY_REQUIRE_R=1 but the R packages mice and mitml are not installed")
        pytest.skip("R packages mice and mitml are not installed")
    assert result.returncode == 0, result.stderr


def test_absent_r_skips_unless_ci_requires_it(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("INTERPLAY_REQUIRE_R", "1")
    with pytest.raises(pytest.fail.Exception, match="Rscript"):
        run_r_script("pool_reference.R")
    monkeypatch.delenv("INTERPLAY_REQUIRE_R")
    with pytest.raises(pytest.skip.Exception):
        run_r_script("pool_reference.R")


# --- hand-worked examples -------------------------------------------------------------------------


def test_pool_rubin_matches_the_formulas_worked_by_hand():
    # m = 3 estimates of one coefficient (FIMD §2.3): Qbar, Ubar, B, T, then Barnard–Rubin df.
    pooled = pool_rubin(
        np.array([[1.0], [1.2], [1.4]]), np.array([[0.04], [0.05], [0.06]]), 20, ["a"]
    ).iloc[0]
    qbar = (1.0 + 1.2 + 1.4) / 3  # 1.2
    ubar = (0.04 + 0.05 + 0.06) / 3  # 0.05
    b = ((1.0 - 1.2) ** 2 + 0.0 + (1.4 - 1.2) ** 2) / (3 - 1)  # 0.04
    t = ubar + (1 + 1 / 3) * b  # 0.10333
    riv = (1 + 1 / 3) * b / ubar  # 1.06667
    lam = (1 + 1 / 3) * b / t  # 0.51613
    df_old = (3 - 1) / lam**2  # Rubin (1987)
    df_observed = (20 + 1) / (20 + 3) * 20 * (1 - lam)  # Barnard & Rubin (1999)
    df = 1 / (1 / df_old + 1 / df_observed)  # 4.0589
    fmi = (df + 1) / (df + 3) * lam + 2 / (df + 3)  # = mice's (riv + 2/(df+3)) / (riv + 1)
    assert pooled["estimate"] == pytest.approx(qbar)
    assert pooled["ubar"] == pytest.approx(ubar)
    assert pooled["b"] == pytest.approx(b)
    assert pooled["t"] == pytest.approx(t)
    assert pooled["std_error"] == pytest.approx(np.sqrt(t))
    assert pooled["riv"] == pytest.approx(riv)
    assert pooled["lambda"] == pytest.approx(lam)
    assert pooled["df"] == pytest.approx(df)
    assert pooled["df"] == pytest.approx(4.0589, abs=1e-4)
    assert pooled["fmi"] == pytest.approx(fmi)
    assert pooled["p_value"] == pytest.approx(2 * stats.t.sf(qbar / np.sqrt(t), df))


def test_pool_rubin_infinite_complete_df_gives_rubins_df():
    pooled = pool_rubin(np.array([[1.0], [1.2], [1.4]]), np.full((3, 1), 0.05), np.inf, ["a"])
    lam = (4 / 3) * 0.04 / (0.05 + (4 / 3) * 0.04)
    assert pooled["df"].iloc[0] == pytest.approx(2 / lam**2)


def test_pool_rubin_without_between_variance_floors_lambda_as_mice():
    pooled = pool_rubin(np.full((4, 1), 0.7), np.full((4, 1), 0.09), 50, ["a"]).iloc[0]
    df_old = (4 - 1) / 1e-4**2
    df_observed = 51 / 53 * 50 * (1 - 1e-4)
    assert pooled["b"] == 0
    assert pooled["riv"] == 0
    assert pooled["df"] == pytest.approx(df_old * df_observed / (df_old + df_observed))


def test_pool_rubin_single_data_set_is_complete_data_inference():
    pooled = pool_rubin(np.array([[0.5, -1.0]]), np.array([[0.04, 0.25]]), 100, ["a", "b"])
    assert pooled["std_error"].tolist() == pytest.approx([0.2, 0.5])
    assert pooled["df"].tolist() == [100, 100]
    assert pooled[["b", "riv", "lambda", "fmi"]].to_numpy().tolist() == [[0] * 4] * 2
    assert pooled["p_value"].tolist() == pytest.approx(2 * stats.t.sf([2.5, 2.0], 100))


def test_pooled_covariance_adds_inflated_between_covariance():
    estimates = np.array([[1.0, 0.5], [1.2, 0.3], [1.4, 0.4]])
    within = np.array([[[0.04, 0.01], [0.01, 0.09]]] * 3)
    # B by hand: deviations (-0.2, 0, 0.2) and (0.1, -0.1, 0), divided by m - 1 = 2.
    between = np.array([[0.08 / 2, -0.02 / 2], [-0.02 / 2, 0.02 / 2]])
    expected = within[0] + (1 + 1 / 3) * between
    np.testing.assert_allclose(pooled_covariance(within, estimates), expected)


def test_d1_matches_the_formulas_worked_by_hand():
    estimates = np.array([[9.0, 1.0, 0.5], [9.0, 1.2, 0.3], [9.0, 1.4, 0.4]])
    covariances = np.tile(np.diag([1.0, 0.04, 0.09]), (3, 1, 1))
    covariances[:, 1, 2] = covariances[:, 2, 1] = 0.01
    result = pool_d1_wald(estimates, covariances, [1, 2], np.inf)
    # Ubar^-1 = [[0.09, -0.01], [-0.01, 0.04]] / 0.0035; B = [[0.04, -0.01], [-0.01, 0.01]].
    trace = (0.04 * 0.09 + 2 * (-0.01) * (-0.01) + 0.01 * 0.04) / 0.0035  # 1.2
    r = (1 + 1 / 3) * trace / 2  # 0.8 (Li, Raghunathan & Rubin 1991)
    wald = (1.2**2 * 0.09 - 2 * 1.2 * 0.4 * 0.01 + 0.4**2 * 0.04) / 0.0035
    statistic = wald / (2 * (1 + r))  # 10.0317
    df2 = 4 * (1 + 1 / 2) * (1 + 1 / r) ** 2 / 2  # k(m - 1) = 4 <= 4 branch: 15.1875
    assert result["riv"] == pytest.approx(0.8)
    assert result["statistic"] == pytest.approx(statistic)
    assert result["df1"] == 2
    assert result["df2"] == pytest.approx(df2)
    assert result["p_value"] == pytest.approx(stats.f.sf(statistic, 2, df2))


def test_d1_of_one_coefficient_is_the_square_of_the_pooled_t():
    rng = np.random.default_rng(3)
    estimates = rng.normal(size=(6, 2))
    variances = rng.uniform(0.5, 1.0, size=(6, 2))
    covariances = np.stack([np.diag(v) for v in variances])
    t_value = pool_rubin(estimates, variances, 80, ["a", "b"])["statistic"].iloc[1]
    assert pool_d1_wald(estimates, covariances, [1], 80)["statistic"] == pytest.approx(t_value**2)


def test_pooled_tests_refuse_a_single_data_set():
    with pytest.raises(ValueError, match="at least 2"):
        pool_d1_wald(np.zeros((1, 2)), np.tile(np.eye(2), (1, 1, 1)), [1], 10)


# --- logistic fits and D3 against statsmodels -----------------------------------------------------


def simulated_logistic_data(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A design (intercept, a, b, a·b, x) and 0/1 outcomes from a known logistic model."""
    a = (rng.uniform(size=n) < 0.5).astype(float)
    b = (rng.uniform(size=n) < 0.5).astype(float)
    x = rng.normal(size=n)
    design = np.column_stack([np.ones(n), a, b, a * b, x])
    outcome = rng.uniform(size=n) < 1 / (1 + np.exp(-design @ [0.2, -0.7, 0.1, 0.8, 0.5]))
    return design, outcome.astype(float)


def test_loglik_with_intercept_refit_is_an_offset_model_fit():
    design, outcome = simulated_logistic_data(np.random.default_rng(13), 200)
    beta = np.array([0.0, -0.5, 0.3, 0.5, 0.2])
    offset_fit = sm.GLM(
        outcome, np.ones((200, 1)), family=sm.families.Binomial(), offset=design @ beta
    ).fit(tol=1e-12)
    assert loglik_at(design, outcome, beta, refit_intercept=True) == pytest.approx(offset_fit.llf)
    assert loglik_at(design, outcome, beta, refit_intercept=False) == pytest.approx(
        sm.families.Binomial().loglike(outcome, 1 / (1 + np.exp(-design @ beta)))
    )


def test_d3_of_identical_data_sets_is_the_likelihood_ratio_test():
    design, outcome = simulated_logistic_data(np.random.default_rng(14), 250)
    full = sm.Logit(outcome, design).fit(disp=0)
    reduced = sm.Logit(outcome, design[:, [0, 4]]).fit(disp=0)
    lr = 2 * (full.llf - reduced.llf)
    result = pool_d3_logistic([design] * 4, [design[:, [0, 4]]] * 4, [outcome] * 4)
    assert result["riv"] == pytest.approx(0, abs=1e-9)
    assert result["statistic"] == pytest.approx(lr / 3, rel=1e-8)
    assert result["p_value"] == pytest.approx(stats.chi2.sf(lr, 3), rel=1e-6)


# --- against R's mice -----------------------------------------------------------------------------


def imputed_sets(m: int = 5, n: int = 150, seed: int = 2024) -> pd.DataFrame:
    """m data sets that differ in 20 % of rows of a and x, as imputations do, in long format."""
    rng = np.random.default_rng(seed)
    design, outcome = simulated_logistic_data(rng, n)
    imputed_rows = rng.uniform(size=n) < 0.2
    sets = []
    for imputation in range(1, m + 1):
        a = np.where(imputed_rows, rng.uniform(size=n) < 0.5, design[:, 1])
        x = np.where(imputed_rows, rng.normal(size=n), design[:, 4])
        sets.append(
            pd.DataFrame(
                {".imp": imputation, "y": outcome, "a": a.astype(float), "b": design[:, 2]}
            ).assign(ab=lambda d: d["a"] * d["b"], x=x)
        )
    return pd.concat(sets, ignore_index=True)


@pytest.fixture(scope="module")
def mice_reference(tmp_path_factory) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """Our imputed sets, and mice's pooled table and tests on them."""
    folder = tmp_path_factory.mktemp("pool_reference")
    long = imputed_sets()
    long.to_csv(folder / "long.csv", index=False)
    run_r_script("pool_reference.R", str(folder / "long.csv"), str(folder))
    tests = pd.read_csv(folder / "tests.csv").set_index("test")
    return long, pd.read_csv(folder / "pooled.csv"), tests


def designs_by_imputation(long: pd.DataFrame, columns: list[str]) -> list[np.ndarray]:
    """Design matrices (intercept first) of each imputed data set."""
    return [
        np.column_stack([np.ones(len(d)), d[columns].to_numpy()]) for _, d in long.groupby(".imp")
    ]


@pytest.mark.workflow  # as slow as a workflow job
def test_pool_rubin_matches_mice_pool(mice_reference):
    long, reference, _ = mice_reference
    designs = designs_by_imputation(long, TERMS[1:])
    outcomes = [d["y"].to_numpy() for _, d in long.groupby(".imp")]
    fits = [newton_logistic(x, y) for x, y in zip(designs, outcomes, strict=True)]
    estimates = np.array([fit.estimates for fit in fits])
    variances = np.array([np.diag(fit.covariance) for fit in fits])
    df_complete = len(outcomes[0]) - len(TERMS)
    assert reference["dfcom"].iloc[0] == df_complete
    ours = pool_rubin(estimates, variances, df_complete, TERMS)
    assert ours["term"].tolist() == reference["term"].tolist()
    for column in ["estimate", "std_error", "df", "statistic", "p_value", "riv", "lambda", "fmi"]:
        np.testing.assert_allclose(ours[column], reference[column], rtol=1e-6, err_msg=column)
    for column in ["ubar", "b", "t"]:
        np.testing.assert_allclose(ours[column], reference[column], rtol=1e-6, err_msg=column)


@pytest.mark.workflow  # as slow as a workflow job
def test_d1_matches_mice_d1(mice_reference):
    long, _, reference = mice_reference
    designs = designs_by_imputation(long, TERMS[1:])
    outcomes = [d["y"].to_numpy() for _, d in long.groupby(".imp")]
    fits = [newton_logistic(x, y) for x, y in zip(designs, outcomes, strict=True)]
    estimates = np.array([fit.estimates for fit in fits])
    covariances = np.array([fit.covariance for fit in fits])
    ours = pool_d1_wald(estimates, covariances, [1, 2, 3], len(outcomes[0]) - len(TERMS))
    expected = reference.loc["D1"]
    for key in ["statistic", "df1", "df2", "p_value", "riv"]:
        assert ours[key] == pytest.approx(expected[key], rel=1e-6), key


@pytest.mark.workflow  # as slow as a workflow job
@pytest.mark.parametrize(("refit_intercept", "test"), [(True, "D3"), (False, "D3_meng_rubin")])
def test_d3_matches_mice_d3(mice_reference, refit_intercept, test):
    long, _, reference = mice_reference
    outcomes = [d["y"].to_numpy() for _, d in long.groupby(".imp")]
    ours = pool_d3_logistic(
        designs_by_imputation(long, TERMS[1:]),
        designs_by_imputation(long, ["x"]),
        outcomes,
        refit_intercept=refit_intercept,
    )
    expected = reference.loc[test]
    for key in ["statistic", "df1", "df2", "p_value", "riv"]:
        assert ours[key] == pytest.approx(expected[key], rel=1e-6), key
