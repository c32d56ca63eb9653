"""run_analysis of pairs other than IL-1β × BDNF, against statsmodels fits of the same design."""

import copy
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml
from conftest import REPO
from interplay.analysis import fit as analysis
from interplay.bootstrap import replicates as bs
from interplay.covariates import adjustment_covariates, with_covariates
from interplay.errors import InputError
from interplay.jobs.settings import PAIR_COLUMNS
from scipy import stats
from scipy.special import expit

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
SECTIONS = ["outcome", "pair", "covariates", "missing_data", "models"]
IL6 = {"column": "il6", "label": "IL-6", "unit": "pg/mL", "kind": "biomarker", "lod": None}
HADS = {
    "column": "hads_anxiety",
    "label": "HADS anxiety",
    "unit": "points",
    "kind": "scale",
    "transform": "none",
    "split": "threshold",
    "threshold": 12,
    "high_if": "at_or_above",
    "lod": None,
}
UNMARRIED = {"column": "unmarried", "label": "Unmarried", "kind": "binary", "split": "binary"}
# A 0/1 variable declared by its split alone (kind scale): binary all the same (Variable.is_binary).
UNMARRIED_BY_SPLIT = {**UNMARRIED, "kind": "scale"}


def settings(exposure: dict, modifier: dict, coding: str) -> dict:
    """Complete-case settings of the shipped config for a pair, adjusted for age only."""
    merged = {section: copy.deepcopy(CONFIG[section]) for section in SECTIONS}
    merged["pair"].update(exposure=exposure, modifier=modifier, coding=coding)
    merged["covariates"]["sets"]["age_only"] = ["age"]
    merged["covariates"]["adjustment_set"] = "age_only"
    merged["missing_data"]["method"] = "complete_case"
    return merged


def tertiles(values: np.ndarray) -> np.ndarray:
    """Tertile 1–3 with the sample's 1/3 and 2/3 quantiles as upper bounds."""
    first, second = np.quantile(values, [1 / 3, 2 / 3])
    return 1 + (values > first).astype(int) + (values > second).astype(int)


def dataset(modifier: np.ndarray, modifier_scaled: np.ndarray, modifier_high: np.ndarray, seed=5):
    """An analysis dataset coded by hand: log2 IL-6, the given modifier codings, age, outcome."""
    rng = np.random.default_rng(seed)
    n = len(modifier)
    il6 = np.exp(rng.normal(1.0, 0.8, n))
    age = rng.normal(50, 12, n)
    eta = -0.3 + 0.3 * np.log2(il6) + 0.04 * modifier_scaled - 0.25 * np.log2(il6) * modifier_high
    outcome = rng.random(n) < expit(eta + 0.02 * (age - 50))
    return pd.DataFrame(
        {
            "patient_id": [f"P{i}" for i in range(n)],
            "outcome": outcome.astype(int),
            "age": age,
            "il6": il6,
            "exposure": il6,
            "modifier": modifier,
            "exposure_scaled": np.log2(il6),
            "modifier_scaled": modifier_scaled,
            "exposure_high": (il6 > np.median(il6)).astype(int),
            "modifier_high": modifier_high,
            "exposure_tertile": tertiles(il6),
            "modifier_tertile": tertiles(modifier),
        }
    )


@pytest.fixture(scope="module")
def hads_data() -> pd.DataFrame:
    """Modifier HADS anxiety (0–21 points), as it is in the continuous model, high at ≥ 12."""
    hads = np.random.default_rng(11).integers(0, 22, 800).astype(float)
    return dataset(hads, hads, (hads >= 12).astype(int))


def logit_fit(data: pd.DataFrame, columns: dict[str, np.ndarray]):
    """statsmodels Logit of the outcome on the given columns plus age and an intercept."""
    design = sm.add_constant(pd.DataFrame({**columns, "age": data["age"]}))
    return sm.Logit(data["outcome"], design).fit(disp=0)


def rows(table: pd.DataFrame, model: str) -> pd.DataFrame:
    return table[table["model"] == model].set_index("term")


def test_il6_by_hads_anxiety_threshold_matches_statsmodels(hads_data):
    """Product model, stratum combinations and the joint table of IL-6 (median) × HADS ≥ 12."""
    exposure = {**IL6, "transform": "log2", "split": "median"}
    tables = analysis.run_analysis(hads_data, settings(exposure, HADS, "split"))
    e, m = hads_data["exposure_high"], hads_data["modifier_high"]
    reference = logit_fit(hads_data, {"e": e, "m": m, "em": e * m})
    product = rows(tables["models"], "product")
    names = {"e": "exposure_high", "m": "modifier_high", "em": "exposure_high:modifier_high"}
    for mine, theirs in {**names, "age": "age", "const": "intercept"}.items():
        assert product.loc[theirs, "estimate"] == pytest.approx(reference.params[mine], rel=1e-6)
        assert product.loc[theirs, "std_error"] == pytest.approx(reference.bse[mine], rel=1e-5)
    within_high = rows(tables["models"], "product_lincom").loc["exposure_high|modifier_high"]
    weights = np.array([0, 1, 0, 1, 0])  # const, e, m, em, age
    assert within_high["estimate"] == pytest.approx(weights @ reference.params, rel=1e-6)
    se = np.sqrt(weights @ reference.cov_params().to_numpy() @ weights)
    assert within_high["std_error"] == pytest.approx(se, rel=1e-5)
    joint = tables["joint"].set_index(["exposure_level", "modifier_level"])
    assert joint.loc[("high", "high"), "n"] == ((e == 1) & (m == 1)).sum()
    assert (
        joint.loc[("low", "high"), "remitters"] == hads_data["outcome"][(e == 0) & (m == 1)].sum()
    )


def test_continuous_modifier_per_unit_slopes_are_b1_plus_b3_m(hads_data):
    """transform none: the slope at m points is b1 + b3·m, with m in the table as it is."""
    exposure = {**IL6, "transform": "log2", "split": "median"}
    tables = analysis.run_analysis(hads_data, settings(exposure, HADS, "continuous"))
    x, m = hads_data["exposure_scaled"], hads_data["modifier_scaled"]
    reference = logit_fit(hads_data, {"x": x, "m": m, "xm": x * m})
    b, cov = reference.params, reference.cov_params()
    slopes_table = tables["slopes"]
    at = slopes_table.dropna(subset=["percentile"])
    expected_m = np.percentile(hads_data["modifier"], CONFIG["models"]["slope_percentiles"])
    np.testing.assert_allclose(at["modifier"], expected_m)
    np.testing.assert_allclose(slopes_table["modifier_scaled"], slopes_table["modifier"])
    for row in slopes_table.itertuples():
        estimate = b["x"] + b["xm"] * row.modifier
        variance = cov.loc["x", "x"] + 2 * row.modifier * cov.loc["x", "xm"]
        variance += row.modifier**2 * cov.loc["xm", "xm"]
        assert row.estimate == pytest.approx(estimate, rel=1e-6, abs=1e-9)
        assert row.std_error == pytest.approx(np.sqrt(variance), rel=1e-5)
        z = stats.norm.ppf(0.975)
        assert row.ci_high == pytest.approx(np.exp(estimate + z * np.sqrt(variance)), rel=1e-5)
    jn = tables["johnson_neyman"]
    np.testing.assert_allclose(jn["modifier_from"], jn["modifier_scaled_from"])
    predictions = tables["predictions"]
    np.testing.assert_allclose(predictions["modifier_scaled"], predictions["modifier"])
    np.testing.assert_allclose(predictions["exposure_scaled"], np.log2(predictions["exposure"]))
    low, high = np.quantile(x, [0.05, 0.95])
    assert predictions["exposure_scaled"].agg(["min", "max"]).tolist() == pytest.approx([low, high])


def test_a_per_sd_exposure_spans_its_own_unit(hads_data):
    """An exposure per SD: the prediction grid is in its unit, its scaled column in SD units."""
    il6 = hads_data["il6"]
    data = hads_data.assign(exposure_scaled=(il6 - il6.mean()) / il6.std(ddof=1))
    exposure = {**IL6, "transform": "per_sd", "split": "median"}
    predictions = analysis.run_analysis(data, settings(exposure, HADS, "continuous"))["predictions"]
    np.testing.assert_allclose(
        predictions["exposure_scaled"], (predictions["exposure"] - il6.mean()) / il6.std(ddof=1)
    )
    low, high = np.quantile(il6, [0.05, 0.95])
    assert predictions["exposure"].agg(["min", "max"]).tolist() == pytest.approx([low, high])


@pytest.mark.parametrize("entry", [UNMARRIED, UNMARRIED_BY_SPLIT], ids=["kind", "split"])
def test_a_binary_modifier_has_slopes_at_0_and_1_and_no_johnson_neyman_regions(entry):
    """Continuous coding of a 0/1 modifier: slopes b1 and b1 + b3, predictions at 0 and 1."""
    unmarried = np.random.default_rng(2).integers(0, 2, 700).astype(float)
    data = dataset(unmarried, unmarried, unmarried.astype(int))
    exposure = {**IL6, "transform": "log2", "split": "median"}
    tables = analysis.run_analysis(data, settings(exposure, entry, "continuous"))
    x, m = data["exposure_scaled"], data["modifier_scaled"]
    reference = logit_fit(data, {"x": x, "m": m, "xm": x * m})
    slopes_table = tables["slopes"]
    assert slopes_table["modifier"].tolist() == [0.0, 1.0]
    assert slopes_table["percentile"].isna().all()
    expected = [reference.params["x"], reference.params["x"] + reference.params["xm"]]
    np.testing.assert_allclose(slopes_table["estimate"], expected, rtol=1e-6)
    assert tables["johnson_neyman"].empty
    assert list(tables["johnson_neyman"].columns[:3]) == ["method", "modifier_from", "modifier_to"]
    predictions = tables["predictions"]
    assert sorted(predictions["modifier"].unique()) == [0.0, 1.0]
    assert predictions["modifier_percentile"].isna().all()


def test_a_pair_variable_in_the_adjustment_set_is_not_also_a_covariate(hads_data):
    """HADS anxiety as the modifier and in the set: its covariates, resolved as the pipeline
    does (covariates.adjustment_covariates, the pair's columns filled in by analysis_settings),
    hold it once, as the modifier."""
    chosen = settings({**IL6, "transform": "log2", "split": "median"}, HADS, "continuous")
    chosen["covariates"]["sets"]["age_only"] = ["age", "hads_anxiety"]
    chosen["covariates"][PAIR_COLUMNS] = ["il6", "hads_anxiety"]
    data = hads_data.assign(hads_anxiety=hads_data["modifier"])
    resolved = with_covariates(chosen, adjustment_covariates(chosen["covariates"]))
    tables = analysis.run_analysis(data, resolved)
    expected = analysis.run_analysis(
        hads_data, settings(chosen["pair"]["exposure"], HADS, "continuous")
    )
    pd.testing.assert_frame_equal(tables["models"], expected["models"])
    assert "hads_anxiety" not in set(tables["models"]["term"])


@pytest.mark.parametrize("modifier", ["hads", "unmarried"])
def test_bootstrap_slopes_of_another_pair_are_those_of_the_slopes_table(hads_data, modifier):
    """Unit weights: the bootstrap's slope estimands are the slopes table's rows, in order."""
    if modifier == "hads":
        data, entry = hads_data, HADS
    else:
        unmarried = np.random.default_rng(2).integers(0, 2, 700).astype(float)
        data, entry = dataset(unmarried, unmarried, unmarried.astype(int)), UNMARRIED
    chosen = settings({**IL6, "transform": "log2", "split": "median"}, entry, "split")
    problem = bs.prepare_complete(data, chosen)
    ones = np.ones((1, len(problem.rows.outcome)))
    values = bs.replicate_frame(problem, replace(problem.rows, weights=ones), {"r": [0]}, False)
    slope_columns = [e.column for e in problem.blueprint.estimands if e.table == "slopes"]
    expected = analysis.run_analysis(data, chosen)["slopes"]["estimate"]
    np.testing.assert_allclose(values.loc[0, slope_columns].astype(float), expected, rtol=1e-6)


def test_percentiles_sharing_a_value_of_an_integer_scale_keep_their_own_rows(hads_data):
    """The 90th and 91st percentiles of a 0–21 scale coincide: each keeps its prediction curve."""
    chosen = settings({**IL6, "transform": "log2", "split": "median"}, HADS, "continuous")
    chosen["models"]["slope_percentiles"] = [50, 90, 91]
    predictions = analysis.run_analysis(hads_data, chosen)["predictions"]
    values = np.percentile(hads_data["modifier"], [50, 90, 91])
    assert values[1] == values[2]
    counts = predictions.groupby("modifier_percentile")["modifier"].agg(["size", "first"])
    assert counts["size"].tolist() == [41, 41, 41]
    np.testing.assert_allclose(counts["first"], values)


def test_a_binary_modifier_with_other_values_is_an_input_error():
    two = np.random.default_rng(4).integers(1, 3, 300).astype(float)  # coded 1/2, not 0/1
    data = dataset(two, two, (two == 2).astype(int))
    chosen = settings({**IL6, "transform": "log2", "split": "median"}, UNMARRIED, "continuous")
    with pytest.raises(InputError, match=r"configured as binary .* takes the value"):
        analysis.run_analysis(data, chosen)
