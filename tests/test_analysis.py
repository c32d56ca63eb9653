"""run_analysis on the synthetic cohort: tables, complete cases, Rubin pooling, truth recovery."""

import copy

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
import yaml
from conftest import REPO
from interplay.analysis import fit as analysis
from interplay.errors import InputError
from interplay.imputation.chained import imputations_of_nothing, impute_analysis_dataset
from interplay.models import logistic as models
from interplay.seeds import stream_key
from interplay.synthetic.dataset import synthetic_analysis_dataset

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
DICTIONARY = REPO / "resources" / "data_dictionary.tsv"
SECTIONS = ["outcome", "pair", "covariates", "missing_data", "models"]
COVARIATES = CONFIG["covariates"]["sets"]["prespecified"]
FORMULA_COVARIATES = " + ".join("C(sex)" if c == "sex" else c for c in COVARIATES)


def settings(**overrides: dict) -> dict:
    """The merged settings of the shipped config.yaml with section overrides."""
    merged = {section: copy.deepcopy(CONFIG[section]) for section in SECTIONS}
    for section, values in overrides.items():
        merged[section].update(values)
    return merged


def analysis_dataset(directory, **arguments) -> tuple[pd.DataFrame, dict]:
    """A synthetic cohort written as files, read back through ingestion and the flow; truth."""
    return synthetic_analysis_dataset(directory, CONFIG, DICTIONARY, **arguments)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """The default synthetic cohort's analysis dataset (with missing covariates)."""
    return analysis_dataset(tmp_path_factory.mktemp("cohort"))[0]


@pytest.fixture(scope="module")
def complete_case(dataset):
    return analysis.run_analysis(dataset, settings(missing_data={"method": "complete_case"}))


def hot_deck_imputations(dataset: pd.DataFrame, m: int, seed: int = 3) -> pd.DataFrame:
    """Long-format imputations: each gap filled with a random observed value of its column."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    copies = [dataset.assign(**{".imp": 0})]
    for number in range(1, m + 1):
        filled = dataset.copy()
        for column in COVARIATES:
            gaps = filled[column].isna()
            filled.loc[gaps, column] = rng.choice(dataset[column].dropna(), gaps.sum())
        copies.append(filled.assign(**{".imp": number}))
    return pd.concat(copies, ignore_index=True)


def formula_fit(data: pd.DataFrame, exposures: str):
    """statsmodels' formula interface: an independent design and fit."""
    return smf.logit(f"outcome ~ {exposures} + {FORMULA_COVARIATES}", data).fit(disp=0)


def rows(table: pd.DataFrame, model: str) -> pd.DataFrame:
    """One model's rows of the models table, indexed by term."""
    return table[table["model"] == model].set_index("term")


def test_tables_have_the_documented_columns(complete_case):
    """Exactly the agreed columns, in order, for the tables the workflow writes."""
    assert list(complete_case["models"].columns) == analysis.MODEL_COLUMNS
    assert list(complete_case["joint"].columns) == analysis.JOINT_COLUMNS
    assert list(complete_case["interaction"].columns) == [
        "measure", "scale", "outcome", "reference_group", "reference_rule",
        "estimate", "ci_low", "ci_high", "ci_method", "df1", "df2", "p_value", "status",
    ]  # fmt: skip
    assert {"slopes", "johnson_neyman", "predictions"} <= set(complete_case)
    for table in complete_case.values():
        assert (table["status"] == "ok").all()
    assert (complete_case["models"]["analysis"] == "primary").all()


def test_complete_case_product_model_matches_formula_fit(dataset, complete_case):
    """Coefficients and SEs equal statsmodels' formula fit on the rows complete on every
    model variable; intervals are Wald z on the OR scale."""
    used = analysis.used_columns(analysis.read_plan(settings()))
    complete = dataset.dropna(subset=used)
    reference = formula_fit(complete, "exposure_high * modifier_high")
    product = rows(complete_case["models"], "product")
    assert product["n"].iloc[0] == len(complete) < len(dataset)
    assert product["n_events"].iloc[0] == complete["outcome"].sum()
    term = "exposure_high:modifier_high"
    assert product.loc[term, "estimate"] == pytest.approx(reference.params[term], rel=1e-6)
    assert product.loc[term, "std_error"] == pytest.approx(reference.bse[term], rel=1e-5)
    assert product.loc["sex_male", "estimate"] == pytest.approx(
        reference.params["C(sex)[T.male]"], rel=1e-6
    )
    assert product.loc[term, "ci_low"] == pytest.approx(
        np.exp(reference.conf_int().loc[term, 0]), rel=1e-5
    )
    assert (product["ci_method"] == "wald_z").all() and product["fmi"].isna().all()


def test_strata_two_ways(dataset, complete_case):
    """Separate stratum fits equal formula fits in the stratum; linear combinations equal the
    product model refitted with the other stratum as reference."""
    table = complete_case["models"]
    complete = dataset.dropna(subset=analysis.used_columns(analysis.read_plan(settings())))
    high_bdnf = formula_fit(complete[complete["modifier_high"] == 1], "exposure_high")
    fitted = rows(table, "stratum_modifier_high").loc["exposure_high", "estimate"]
    assert fitted == pytest.approx(high_bdnf.params["exposure_high"], rel=1e-6)
    recoded = formula_fit(
        complete.assign(modifier_low=1 - complete["modifier_high"]), "exposure_high * modifier_low"
    )
    lincom = rows(table, "product_lincom").loc["exposure_high|modifier_high"]
    assert lincom["estimate"] == pytest.approx(recoded.params["exposure_high"], rel=1e-6)
    assert lincom["std_error"] == pytest.approx(recoded.bse["exposure_high"], rel=1e-5)


def test_joint_p_values_are_the_wald_tests_of_the_cells_log_odds_ratios(dataset, complete_case):
    """A joint cell's p-value is the Wald z test of its log-OR against the reference cell: in the
    product model's terms (statsmodels) β2 for low/high and β1 + β2 + β3 for high/high."""
    used = analysis.used_columns(analysis.read_plan(settings()))
    reference = formula_fit(dataset.dropna(subset=used), "exposure_high * modifier_high")
    joint = complete_case["joint"].set_index(["exposure_level", "modifier_level"])
    assert joint.loc[("low", "high"), "p_value"] == pytest.approx(
        reference.pvalues["modifier_high"], rel=1e-4
    )
    both = reference.t_test("exposure_high + modifier_high + exposure_high:modifier_high = 0")
    assert joint.loc[("high", "high"), "p_value"] == pytest.approx(float(both.pvalue), rel=1e-4)
    assert np.isnan(joint.loc[("low", "low"), "p_value"])


def test_joint_and_interaction_agree_with_the_product_model(complete_case):
    """The joint model is a reparameterisation of the product model; the ratio of ORs is
    exp(β3); the additive reference is the cell with the lowest odds of non-remission."""
    product = rows(complete_case["models"], "product")["estimate"]
    b1, b2, b3 = (
        product["exposure_high"],
        product["modifier_high"],
        product["exposure_high:modifier_high"],
    )
    joint = complete_case["joint"].set_index(["exposure_level", "modifier_level"])
    assert joint.loc[("high", "high"), "odds_ratio"] == pytest.approx(
        np.exp(b1 + b2 + b3), rel=1e-6
    )
    assert joint.loc[("low", "low"), "is_reference"] and joint["is_reference"].sum() == 1
    interaction = complete_case["interaction"].set_index(["measure", "ci_method"])
    ratio = interaction.xs("ratio_of_odds_ratios", level="measure").iloc[0]
    assert ratio["estimate"] == pytest.approx(np.exp(b3), rel=1e-6)
    remission_log_odds = {"low_low": 0, "high_low": b1, "low_high": b2, "high_high": b1 + b2 + b3}
    best = max(remission_log_odds, key=remission_log_odds.get)  # lowest odds of non-remission
    il1b, bdnf = best.split("_")
    additive = complete_case["interaction"].query("scale == 'additive'")
    assert (additive["reference_group"] == f"exposure_{il1b}_modifier_{bdnf}").all()
    assert (additive["outcome"] == "non_remission").all()
    joint_ors = complete_case["interaction"].query("scale == 'joint_odds_ratio'")
    assert (joint_ors["estimate"] >= 1).all()
    reri = interaction.loc[("reri", "delta_wald_z"), "estimate"]
    ors = joint_ors.set_index("measure")["estimate"]
    assert reri == pytest.approx(ors["or_11"] - ors["or_10"] - ors["or_01"] + 1)
    assert set(interaction.index.get_level_values("measure")) >= {"ap", "s", "ic", "lr_test"}


def test_multiple_imputations_are_pooled_by_rubins_rules(dataset):
    """Pooled estimate = mean of per-imputation fits, SE = sqrt(Ū + (1 + 1/m)B), t intervals;
    D1 and D3 test the product term; joint counts come from the observed data."""
    m = 3
    imputed = hot_deck_imputations(dataset, m)
    tables = analysis.run_analysis(dataset, settings(), imputed, analysis="mi")
    fits = [
        formula_fit(part, "exposure_high * modifier_high")
        for number, part in imputed.groupby(".imp")
        if number > 0
    ]
    term = "exposure_high:modifier_high"
    estimates = np.array([f.params[term] for f in fits])
    total = np.mean([f.bse[term] ** 2 for f in fits]) + (1 + 1 / m) * estimates.var(ddof=1)
    product = rows(tables["models"], "product")
    assert product.loc[term, "estimate"] == pytest.approx(estimates.mean(), rel=1e-6)
    assert product.loc[term, "std_error"] == pytest.approx(np.sqrt(total), rel=1e-5)
    assert (product["ci_method"] == "rubin_t").all() and product["n"].iloc[0] == len(dataset)
    assert np.isfinite(product["df"]).all() and product["fmi"].between(0, 1).all()
    tests = tables["interaction"].set_index("measure")
    assert tests.loc[["wald_test", "lr_test"], "ci_method"].tolist() == ["d1_f", "d3_f"]
    assert (tests.loc[["wald_test", "lr_test"], "df1"] == 1).all()
    assert tests.drop(index=["wald_test", "lr_test"])[["df1", "df2"]].isna().all().all()
    assert tables["joint"]["n"].sum() == len(dataset)
    assert (tables["models"]["analysis"] == "mi").all()
    ignored = analysis.run_analysis(
        dataset, settings(missing_data={"method": "complete_case"}), imputed
    )
    assert (ignored["models"]["ci_method"] == "wald_z").all()


def test_same_inputs_give_identical_tables(dataset, complete_case):
    """Deterministic: a second run reproduces every table exactly."""
    again = analysis.run_analysis(dataset, settings(missing_data={"method": "complete_case"}))
    for name, table in complete_case.items():
        pd.testing.assert_frame_equal(table, again[name])


def test_tertile_coding_gives_nine_joint_cells(dataset):
    """pair.coding tertiles: a 3×3 joint table against T1/T1."""
    tables = analysis.run_analysis(
        dataset,
        settings(missing_data={"method": "complete_case"}, pair={"coding": "tertiles"}),
    )
    joint = tables["joint"]
    assert len(joint) == 9 and joint["is_reference"].sum() == 1
    reference = joint[joint["is_reference"]].iloc[0]
    assert (reference["exposure_level"], reference["modifier_level"]) == ("T1", "T1")


def test_slopes_tables_use_the_configured_percentiles(complete_case, dataset):
    """Simple slopes at the modifier percentiles of config; JN regions cover the modifier axis."""
    slopes_table = complete_case["slopes"]
    at = slopes_table.dropna(subset=["percentile"])
    assert list(at["percentile"]) == CONFIG["models"]["slope_percentiles"]
    expected = np.percentile(dataset["bdnf"], CONFIG["models"]["slope_percentiles"])
    np.testing.assert_allclose(at["modifier"], expected)
    jn = complete_case["johnson_neyman"].query("method == 'pointwise'")
    assert jn["modifier_from"].iloc[0] == -np.inf and jn["modifier_to"].iloc[-1] == np.inf
    assert jn["observed_share"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d, s, i: (d, {**s, "covariates": {**s["covariates"], "adjustment_set": "x"}}, i),
         "adjustment_set"),
        (lambda d, s, i: (d.drop(columns="sofas"), s, None), "sofas"),
        (lambda d, s, i: (d, s, i.drop(columns=".imp")), ".imp"),
        (lambda d, s, i: (d, s, i.assign(age=i["age"].where(i[".imp"] != 2))), "data set 2"),
    ],
)  # fmt: skip
def test_unusable_inputs_are_input_errors(dataset, change, match):
    """Unknown covariate set, absent column, malformed or incomplete imputations."""
    data, config, imputed = change(dataset, settings(), hot_deck_imputations(dataset, 2))
    with pytest.raises(InputError, match=match):
        analysis.run_analysis(data, config, imputed)


@pytest.fixture(scope="module")
def large_cohort(tmp_path_factory):
    """n = 100,000 without dropout or missing covariates, through ingestion and the flow."""
    return analysis_dataset(
        tmp_path_factory.mktemp("large"),
        n_patients=100_000,
        n_without_biomarkers=0,
        n_without_followup=0,
        dropout=False,
        missingness=False,
    )


@pytest.mark.workflow  # as slow as a workflow job
def test_product_model_recovers_the_generator_truth(large_cohort):
    """Every coefficient within 4 SE of the truth JSON; stratum ORs (both ways) on the truth."""
    data, truth = large_cohort
    terms = models.model_terms(models.MODEL_EXPOSURES["product"], COVARIATES)
    fit = models.fit_model(data, terms)
    true = np.array([truth["coefficients"][term] for term in terms])
    z = (fit.estimates - true) / np.sqrt(np.diag(fit.covariance))
    assert np.abs(z).max() < 4, dict(zip(terms, z.round(2), strict=True))
    strata = {0: "il1b_high_within_bdnf_low", 1: "il1b_high_within_bdnf_high"}
    separate = models.stratum_fits(
        models.term_data(data, terms), "exposure_high", "modifier_high", COVARIATES
    )
    for level, weights in models.stratum_weights(fit, "exposure_high", "modifier_high").items():
        target = np.log(truth["stratum_odds_ratios"][strata[level]])
        estimate, variance = models.linear_combination(fit, weights)
        assert abs(estimate - target) < 4 * np.sqrt(variance)
        stratum = separate[level]
        i = stratum.index("exposure_high")
        assert abs(stratum.estimates[i] - target) < 4 * np.sqrt(stratum.covariance[i, i])


def test_an_analysis_without_covariates_has_copies_of_its_dataset_as_imputations(dataset):
    # What its skipped impute job would have written: the dataset m + 1 times, in long format.
    imputed = imputations_of_nothing(dataset, [], m=3).long_frame()
    assert imputed[".imp"].tolist() == np.repeat(np.arange(4), len(dataset)).tolist()
    for _, copy_ in imputed.groupby(".imp"):
        pd.testing.assert_frame_equal(
            copy_.drop(columns=[".imp", ".id"]).reset_index(drop=True),
            dataset.reset_index(drop=True),
        )
    job = impute_analysis_dataset(dataset, [], m=3, iterations=10, seed=stream_key(1, "impute"))
    pd.testing.assert_frame_equal(imputed, job)


def test_imputations_of_nothing_refuse_a_missing_value(dataset):
    incomplete = [c for c in COVARIATES if dataset[c].isna().any()][:1]
    with pytest.raises(InputError, match=incomplete[0]):
        imputations_of_nothing(dataset, incomplete, m=2)
