"""Chained-equations imputation: what it may change, determinism, recovery of a known truth, R."""

import numpy as np
import pandas as pd
import pytest
from interplay.errors import InputError
from interplay.imputation.batched import match_donors
from interplay.imputation.chained import impute_sets, missingness_summary
from interplay.models.pool import pool_rubin
from test_pool import run_r_script

INCOMPLETE = ["x", "z", "sex", "count"]
PREDICTORS = ["y", "a", "b", "ab", "x", "z", "sex", "count"]
TERMS = ["(Intercept)", "x", "z", "sexmale"]


def simulated_cohort(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Full data with a known model, and a copy with x, z missing at random given y (and sex MCAR).

    x ~ N(0, 1); z | x ~ Bernoulli(expit(0.8 x)); y = 1 + 0.8 x + 0.5 z + 0.3 male + N(0, 1);
    a, b, ab stand in for the complete biomarker codings and their product.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    z = (rng.uniform(size=n) < 1 / (1 + np.exp(-0.8 * x))).astype(float)
    male = rng.uniform(size=n) < 0.35
    y = 1 + 0.8 * x + 0.5 * z + 0.3 * male + rng.normal(size=n)
    a = (rng.uniform(size=n) < 0.5).astype(float)
    b = (rng.uniform(size=n) < 0.5).astype(float)
    full = pd.DataFrame(
        {
            "patient_id": [f"P{i:04d}" for i in range(n)],
            "y": y,
            "x": x,
            "z": z,
            "sex": pd.Series(np.where(male, "male", "female"), dtype="str"),
            "count": rng.poisson(np.exp(0.5 + 0.3 * x)).astype(float),
            "a": a,
            "b": b,
            "ab": a * b,
        }
    )
    data = full.copy()
    data.loc[rng.uniform(size=n) < 1 / (1 + np.exp(2.5 - 1.5 * y)), "x"] = np.nan
    data.loc[rng.uniform(size=n) < 1 / (1 + np.exp(2.5 - y)), "z"] = np.nan
    data.loc[rng.uniform(size=n) < 0.05, "sex"] = np.nan
    data.loc[rng.uniform(size=n) < 0.10, "count"] = np.nan
    return full, data


@pytest.fixture(scope="module")
def small() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A 300-patient incomplete data set and its long-format imputations (m = 3)."""
    _, data = simulated_cohort(300, seed=5)
    return data, impute_sets(data, INCOMPLETE, PREDICTORS, m=3, iterations=4, seed=99).long_frame()


def test_imputation_zero_is_the_input_and_ids_index_it(small):
    data, long = small
    assert long.columns.tolist() == [".imp", ".id", *data.columns]
    assert long[".imp"].value_counts().sort_index().to_dict() == {0: 300, 1: 300, 2: 300, 3: 300}
    original = long[long[".imp"] == 0].drop(columns=[".imp", ".id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(original, data)
    for _, copy in long.groupby(".imp"):
        assert copy[".id"].tolist() == data.index.tolist()


def test_only_missing_cells_change_and_none_stay_missing(small):
    data, long = small
    observed = data.notna().to_numpy()
    for imputation in (1, 2, 3):
        copy = long[long[".imp"] == imputation].drop(columns=[".imp", ".id"])
        assert not copy[INCOMPLETE].isna().any().any()
        assert (copy.to_numpy()[observed] == data.to_numpy()[observed]).all()


def test_pmm_draws_only_observed_values_and_binaries_stay_binary(small):
    data, long = small
    imputed = long[long[".imp"] > 0]
    gaps = np.tile(data["x"].isna().to_numpy(), 3)
    assert set(imputed.loc[gaps, "x"]) <= set(data["x"].dropna())
    assert set(imputed["count"]) <= set(data["count"].dropna())
    assert set(imputed["z"]) == {0.0, 1.0}
    assert set(imputed["sex"]) == {"female", "male"}


def test_same_seed_same_data_sets_whatever_m():
    _, data = simulated_cohort(200, seed=6)
    two = impute_sets(data, INCOMPLETE, PREDICTORS, m=2, iterations=3, seed=[7, 1]).long_frame()
    again = impute_sets(data, INCOMPLETE, PREDICTORS, m=2, iterations=3, seed=[7, 1]).long_frame()
    four = impute_sets(data, INCOMPLETE, PREDICTORS, m=4, iterations=3, seed=[7, 1]).long_frame()
    other = impute_sets(data, INCOMPLETE, PREDICTORS, m=2, iterations=3, seed=[7, 2]).long_frame()
    pd.testing.assert_frame_equal(two, again)
    pd.testing.assert_frame_equal(two, four[four[".imp"] <= 2])
    assert not two["x"].equals(other["x"])


def test_donors_are_the_nearest_fitted_values():
    rng = np.random.default_rng(8)
    fitted_observed = rng.normal(size=40)
    fitted_missing = rng.normal(size=25)
    chosen = match_donors(fitted_observed, fitted_missing, 5, rng)
    for target, donor in zip(fitted_missing, chosen, strict=True):
        fifth_nearest = np.sort(np.abs(fitted_observed - target))[4]
        assert abs(fitted_observed[donor] - target) <= fifth_nearest


def test_recovers_full_data_estimates_that_complete_case_misses():
    full, data = simulated_cohort(2000, seed=1)
    long = impute_sets(data, INCOMPLETE, PREDICTORS, m=10, iterations=5, seed=3).long_frame()

    def estimates(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Means of x and z and the OLS slope of y on x (adjusted for z, sex), with variances."""
        design = np.column_stack(
            [np.ones(len(frame)), frame["x"], frame["z"], frame["sex"] == "male"]
        ).astype(float)
        beta, rss = np.linalg.lstsq(design, frame["y"], rcond=None)[:2]
        slope_variance = rss[0] / (len(frame) - 4) * np.linalg.inv(design.T @ design)[1, 1]
        means = frame[["x", "z"]].mean().to_numpy()
        mean_variances = frame[["x", "z"]].var().to_numpy() / len(frame)
        return np.r_[means, beta[1]], np.r_[mean_variances, slope_variance]

    per_set = [estimates(copy) for _, copy in long[long[".imp"] > 0].groupby(".imp")]
    pooled = pool_rubin(
        np.array([e for e, _ in per_set]), np.array([v for _, v in per_set]), 1996, ["x", "z", "s"]
    )
    truth = estimates(full)[0]
    complete_case = estimates(data.dropna())[0]
    error = np.abs(pooled["estimate"].to_numpy() - truth)
    assert (error < 1.5 * pooled["std_error"]).all()
    assert (np.abs(complete_case - truth) > 3 * pooled["std_error"]).all()


def test_product_among_predictors_keeps_the_interaction_in_imputations():
    # x = u·v + noise (the continuous coding: log2 IL-1β × BDNF SD), missing more often for high u.
    # Imputing with u, v and u·v keeps the product coefficient of x; an additive model dilutes it.
    rng = np.random.default_rng(21)
    u, v = rng.normal(size=(2, 1500))
    x = u * v + rng.normal(size=1500)
    data = pd.DataFrame({"u": u, "v": v, "uv": u * v, "x": x})
    data.loc[rng.uniform(size=1500) < 1 / (1 + np.exp(1 - u)), "x"] = np.nan
    design = np.column_stack([np.ones(1500), u, v, u * v])

    def product_coefficient(predictors: list[str]) -> float:
        """OLS coefficient of u·v for x, averaged over 5 imputed data sets."""
        long = impute_sets(data, ["x"], predictors, m=5, iterations=2, seed=4).long_frame()
        imputed = long.loc[long[".imp"] > 0, "x"].to_numpy().reshape(5, 1500)
        return np.mean([np.linalg.lstsq(design, x_i, rcond=None)[0][3] for x_i in imputed])

    full_data = np.linalg.lstsq(design, x, rcond=None)[0][3]
    standard_error = 1 / np.sqrt(((u * v) ** 2).sum())  # residual SD 1, near-orthogonal design
    assert abs(product_coefficient(["u", "v", "uv"]) - full_data) < 3 * standard_error
    assert full_data - product_coefficient(["u", "v"]) > 5 * standard_error


def test_nullable_integer_and_categorical_columns_round_trip():
    _, data = simulated_cohort(150, seed=9)
    data["count"] = data["count"].astype("Int64")
    data["sex"] = data["sex"].astype(pd.CategoricalDtype(["female", "male"]))
    long = impute_sets(data, INCOMPLETE, PREDICTORS, m=2, iterations=2, seed=1).long_frame()
    assert long["sex"].dtype == data["sex"].dtype
    assert long["count"].dtype == "Int64"
    assert not long.loc[long[".imp"] > 0, INCOMPLETE].isna().any().any()


def test_constant_and_collinear_predictors_still_impute():
    # As in a bootstrap resample where a cell is empty: the product is all zero, a copy of y.
    _, data = simulated_cohort(200, seed=3)
    data = data.assign(ab=0.0, one=1.0, y_twice=2 * data["y"])
    predictors = [*PREDICTORS, "one", "y_twice"]
    long = impute_sets(data, INCOMPLETE, predictors, m=2, iterations=2, seed=1).long_frame()
    assert not long.loc[long[".imp"] > 0, INCOMPLETE].isna().any().any()


def test_variable_with_one_observed_value_imputes_that_value():
    _, data = simulated_cohort(120, seed=3)
    data["z"] = data["z"].where(data["z"].isna(), 1.0)
    data["sex"] = data["sex"].where(data["sex"].isna(), "male")
    long = impute_sets(data, INCOMPLETE, PREDICTORS, m=2, iterations=2, seed=1).long_frame()
    assert set(long["z"].dropna()) == {1.0}
    assert set(long["sex"].dropna()) == {"male"}


def test_missingness_summary_counts_gaps():
    frame = pd.DataFrame({"u": [1.0, np.nan, 3.0, np.nan], "v": ["a", None, "b", "c"]})
    summary = missingness_summary(frame, ["u", "v"])
    assert summary["n_missing"].tolist() == [2, 1]
    assert summary["percent_missing"].tolist() == [50.0, 25.0]


def test_predictor_with_gaps_that_is_not_imputed_is_refused():
    _, data = simulated_cohort(100, seed=2)
    with pytest.raises(InputError, match="not itself imputed") as error:
        impute_sets(data, ["z"], ["y", "x"], m=1, iterations=1, seed=1).long_frame()
    assert error.value.column == "x"
    assert error.value.ids[0].startswith("P")


def test_text_column_with_many_levels_is_refused():
    _, data = simulated_cohort(50, seed=2)
    data["sex"] = ["a", "b", "c", None, "a"] * 10
    with pytest.raises(InputError, match="3 text levels"):
        impute_sets(data, ["sex"], ["y", "sex"], m=1, iterations=1, seed=1).long_frame()


@pytest.mark.workflow  # as slow as a workflow job
def test_r_reads_the_long_format_and_mice_agrees(tmp_path):
    _, data = simulated_cohort(400, seed=4)
    data = data[["y", "x", "z", "sex"]]
    long = impute_sets(
        data, ["x", "z", "sex"], ["y", "x", "z", "sex"], 20, 10, seed=11
    ).long_frame()
    data.to_csv(tmp_path / "data.csv", index=False)
    long.to_csv(tmp_path / "long.csv", index=False)
    paths = (tmp_path / "data.csv", tmp_path / "long.csv", tmp_path)
    run_r_script("impute_reference.R", *map(str, paths))
    reference = pd.read_csv(tmp_path / "impute_reference.csv")
    assert reference[["n_imputations", "n_rows"]].iloc[0].tolist() == [20, 400]

    fits = []
    for _, copy in long[long[".imp"] > 0].groupby(".imp"):
        design = np.column_stack([np.ones(400), copy["x"], copy["z"], copy["sex"] == "male"])
        design = design.astype(float)
        beta, rss = np.linalg.lstsq(design, copy["y"], rcond=None)[:2]
        fits.append((beta, np.diag(rss[0] / (400 - 4) * np.linalg.inv(design.T @ design))))
    ours = pool_rubin(np.array([f[0] for f in fits]), np.array([f[1] for f in fits]), 396, TERMS)
    # R pools exactly the data sets we wrote: the long format round-trips through mice::as.mids.
    np.testing.assert_allclose(ours["estimate"], reference["ours_estimate"], rtol=1e-6)
    np.testing.assert_allclose(ours["t"], reference["ours_t"], rtol=1e-6)
    np.testing.assert_allclose(ours["df"], reference["ours_df"], rtol=1e-6)
    # mice's own pmm/logreg imputations estimate the same: the two pooled estimates differ by
    # Monte-Carlo error only, whose SD is about sqrt(b/m) for each.
    monte_carlo_sd = np.sqrt((ours["b"] + reference["mice_b"]) / 20)
    difference = np.abs(ours["estimate"] - reference["mice_estimate"])
    assert (difference < 4 * monte_carlo_sd + 0.1 * ours["std_error"]).all()
