"""The cross-analysis summary reads the right rows, and E-values follow their formulas."""

import copy
import math

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO
from interplay.analysis.fit import run_analysis
from interplay.analysis.stratified import run_stratified_analysis, stratum_name
from interplay.report.pages import report_page
from interplay.sensitivity.summary import sensitivity_table
from interplay.synthetic.dataset import synthetic_analysis_dataset
from test_separation import COMPLETE_CASE, without_remitters

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
SECTIONS = ["outcome", "pair", "covariates", "missing_data", "models"]


def settings(coding: str = "split") -> dict:
    """The primary settings with a biomarker coding."""
    merged = {section: copy.deepcopy(CONFIG[section]) for section in SECTIONS}
    merged["pair"]["coding"] = coding
    return merged


def model_rows(rows: list[tuple]) -> pd.DataFrame:
    """A models table holding (model, term, OR, low, high, ci_method) rows of one stratum."""
    table = pd.DataFrame(
        rows, columns=["model", "term", "odds_ratio", "ci_low", "ci_high", "ci_method"]
    )
    return table.assign(stratum="all", p_value=0.01, n=1000, n_events=450, status="ok")


def tables() -> dict[str, pd.DataFrame]:
    """Hand-made result tables with decoy rows a wrong lookup would pick up."""
    models = model_rows(
        [
            ("product", "exposure_high", 0.9, 0.5, 1.5, "wald_z"),
            ("product", "exposure_high:modifier_high", 2.0, 1.2, 3.4, "percentile"),
            ("product", "exposure_high:modifier_high", 2.1, 1.3, 3.5, "rubin_t"),
            ("product_lincom", "exposure_high|modifier_low", 0.5, 0.35, 0.75, "rubin_t"),
            ("product_lincom", "exposure_high|modifier_high", 1.1, 0.8, 1.6, "rubin_t"),
            ("continuous", "exposure_scaled:modifier_scaled", 1.05, 0.97, 1.12, "rubin_t"),
        ]
    )
    risks = {"high_modifier_high": 0.49, "low_modifier_high": 0.51, "high_modifier_low": 0.67}
    risks["low_modifier_low"] = 0.53
    interaction = pd.DataFrame(
        {
            "stratum": "all",
            "measure": ["reri", "reri", "ic", *(f"risk_exposure_{cell}" for cell in risks)],
            "outcome": "non_remission",
            "reference_group": "exposure_high_modifier_high",
            "estimate": [-1.2, -1.25, -0.16, *risks.values()],
            "ci_low": [-2.1, -2.4, -0.28, 0.4, 0.4, 0.6, 0.4],
            "ci_high": [-0.3, -0.4, -0.05, 0.6, 0.6, 0.7, 0.6],
            "ci_method": ["mover", "delta_rubin_t", "delta_rubin_t", *["delta_rubin_t"] * 4],
            "p_value": [np.nan, 0.01, 0.004, *[np.nan] * 4],
            "status": "ok",
        }
    )
    joint = pd.DataFrame(
        {
            "stratum": "all",
            "exposure_level": ["low", "low", "high", "high"],
            "modifier_level": ["low", "high", "low", "high"],
            "n": [240, 300, 300, 240],
        }
    )
    slopes = pd.DataFrame(
        {
            "stratum": "all",
            "percentile": [25.0, 75.0, np.nan],
            "odds_ratio": [0.91, 0.97, 0.5],
            "ci_low": [0.83, 0.88, 0.1],
            "ci_high": [0.99, 1.06, 0.9],
            "ci_method": "rubin_t",
            "p_value": 0.03,
            "status": "ok",
        }
    )
    return {"models": models, "interaction": interaction, "slopes": slopes, "joint": joint}


def test_median_coding_reads_the_model_based_product_rows() -> None:
    table = sensitivity_table({"primary": settings()}, {"primary": tables()})
    found = table.set_index("estimand")
    assert found.loc["exposure_or_modifier_low", "estimate"] == 0.5
    assert found.loc["exposure_or_modifier_high", "ci_high"] == 1.6
    assert found.loc["ratio_of_odds_ratios", "estimate"] == 2.1  # not the percentile row
    assert found.loc["reri", "estimate"] == -1.25  # the delta-method row, not MOVER
    assert "reference exposure_high_modifier_high" in found.loc["reri", "contrast"]


def test_continuous_coding_reads_slopes_at_the_quartiles() -> None:
    table = sensitivity_table({"continuous": settings("continuous")}, {"continuous": tables()})
    found = table.set_index("estimand")
    assert list(found.index) == [
        "exposure_or_modifier_low",
        "exposure_or_modifier_high",
        "ratio_of_odds_ratios",
    ]
    assert found.loc["exposure_or_modifier_low", "estimate"] == 0.91
    assert found.loc["exposure_or_modifier_high", "estimate"] == 0.97
    assert found.loc["ratio_of_odds_ratios", "estimate"] == 1.05


IL6_HADS = {
    "exposure": {"column": "il6", "label": "IL-6", "unit": "pg/mL", "transform": "log2"},
    "modifier": {
        "column": "hads_anxiety",
        "label": "HADS anxiety",
        "kind": "scale",
        "transform": "per_sd",
        "split": "threshold",
        "threshold": 12,
    },
}


@pytest.mark.parametrize(
    ("coding", "exposure", "expected"),
    [
        ("split", {}, "IL-6 above vs at or below median"),
        ("split", {"split": "threshold", "threshold": 12}, "IL-6 ≥ 12 vs < 12 pg/mL"),
        ("split", {"split": "threshold", "threshold": 3.5, "high_if": "above"},
         "IL-6 > 3.5 vs ≤ 3.5 pg/mL"),
        ("tertiles", {}, "IL-6 top vs bottom tertile"),
        ("continuous", {}, "per doubling of IL-6 (ratio: per SD of HADS anxiety)"),
        ("continuous", {"transform": "none"},
         "per 1 pg/mL of IL-6 (ratio: per SD of HADS anxiety)"),
    ],
)  # fmt: skip
def test_contrasts_are_in_the_words_of_the_pair(coding, exposure, expected) -> None:
    chosen = settings(coding)
    chosen["pair"].update(copy.deepcopy(IL6_HADS))
    chosen["pair"]["exposure"].update(exposure)
    table = sensitivity_table({"other": chosen}, {"other": tables_of(coding)})
    assert (table["contrast"].str.split(";").str[0] == expected).all()
    assert "IL-1β" not in " ".join(table["contrast"]) and "BDNF" not in " ".join(table["contrast"])


def tables_of(coding: str) -> dict[str, pd.DataFrame]:
    """tables(), with the joint_lincom rows a tertile coding reads."""
    found = tables()
    if coding == "tertiles":
        rows = [("joint_lincom", t, 1.5, 1.1, 2.0, "rubin_t") for t in TERTILE_TERMS]
        found["models"] = pd.concat([found["models"], model_rows(rows)], ignore_index=True)
    return found


TERTILE_TERMS = ["exposure_T3|modifier_T1", "exposure_T3|modifier_T3", "exposure_T3:modifier_T3"]


@pytest.mark.parametrize("kind", ["binary", "scale"])
def test_a_binary_modifier_reads_the_slopes_at_0_and_1(kind) -> None:
    """kind: binary, or kind: scale with split: binary (Variable.is_binary): slopes at 0 and 1."""
    chosen = settings("continuous")
    chosen["pair"]["modifier"] = {
        "column": "unmarried", "label": "Unmarried", "kind": kind, "split": "binary",
    }  # fmt: skip
    found = tables()
    found["slopes"] = found["slopes"].assign(modifier=[1.0, 0.0, np.nan], percentile=np.nan)
    table = sensitivity_table({"binary": chosen}, {"binary": found}).set_index("estimand")
    assert table.loc["exposure_or_modifier_low", "estimate"] == 0.97
    assert table.loc["exposure_or_modifier_high", "estimate"] == 0.91
    assert table.loc["ratio_of_odds_ratios", "contrast"] == (
        "per doubling of IL-1β (ratio: Unmarried yes vs no)"
    )


def test_evalues_use_the_square_root_conversion_for_a_common_outcome() -> None:
    """45 % events: RR ≈ √OR (VanderWeele 2017); E = RR + √(RR(RR − 1)) after inverting RR < 1."""
    found = sensitivity_table({"p": settings()}, {"p": tables()}).set_index("estimand")
    rr = 1 / math.sqrt(0.5)
    assert found.loc["exposure_or_modifier_low", "evalue"] == pytest.approx(
        rr + math.sqrt(rr * (rr - 1))
    )
    limit = 1 / math.sqrt(0.75)
    expected_limit = limit + math.sqrt(limit * (limit - 1))
    assert found.loc["exposure_or_modifier_low", "evalue_ci"] == pytest.approx(expected_limit)
    assert found.loc["exposure_or_modifier_high", "evalue_ci"] == 1  # the interval includes 1
    assert np.isnan(found.loc["reri", "evalue"])


def test_choices_describe_the_analysis() -> None:
    choice = settings()
    choice["outcome"]["definition"] = "response"
    choice["pair"]["outlier_z"] = 3
    row = sensitivity_table({"a": choice}, {"a": tables()}).iloc[0]
    assert row["outcome"].startswith("response (≥ 50% reduction), locf")
    assert row["exclusions"] == "|z| of log IL-1β or log BDNF > 3"
    assert row["missing_data"] == "mice (m = 20)"


def test_choices_name_relapse_and_its_sub_cohort() -> None:
    choice = settings()
    choice["outcome"] |= {
        "definition": "relapse",
        "week": 52,
        "among": {"definition": "response", "week": 12},
    }
    row = sensitivity_table({"a": choice}, {"a": tables()}).iloc[0]
    assert row["outcome"] == "relapse (HAMD ≥ 14) among responding at week 12, locf, week 52"


def test_stratum_names_drop_float_noise() -> None:
    assert stratum_name("treatment_step", 2.0) == "treatment_step=2"
    assert stratum_name("sex", "female") == "sex=female"


def test_stratified_analysis_equals_the_analysis_of_each_subset() -> None:
    """Within-stratum results are exactly run on the subset; strata are labelled in order."""
    rng = np.random.default_rng(3)
    n = 600
    data = pd.DataFrame(
        {
            "patient_id": [f"P{i}" for i in range(n)],
            "exposure_high": rng.integers(0, 2, n),
            "modifier_high": rng.integers(0, 2, n),
            "exposure_scaled": rng.normal(0, 1, n),
            "modifier": rng.normal(22, 7, n),
            "treatment_step": rng.choice([1.0, 2.0, np.nan], n, p=[0.5, 0.45, 0.05]),
        }
    )
    data["exposure"] = 2 ** data["exposure_scaled"]
    data["modifier_scaled"] = (data["modifier"] - data["modifier"].mean()) / data["modifier"].std()
    data["outcome"] = rng.binomial(1, 0.45, n)
    chosen = settings()
    chosen["covariates"]["adjustment_set"] = "unadjusted"
    chosen["missing_data"]["method"] = "complete_case"
    chosen["models"]["stratify_by"] = "treatment_step"
    stratified = run_stratified_analysis(data, chosen)["models"]
    assert list(stratified["stratum"].unique()) == ["treatment_step=1", "treatment_step=2"]
    subset = data[data["treatment_step"] == 2.0]
    direct = run_analysis(subset, chosen)["models"]
    within = stratified[stratified["stratum"] == "treatment_step=2"].drop(columns="stratum")
    pd.testing.assert_frame_equal(within.reset_index(drop=True), direct)


def test_each_row_carries_the_status_of_its_source_estimate() -> None:
    separated = tables()
    product = separated["models"]["model"] == "product"
    separated["models"].loc[product, "status"] = "separation"
    separated["models"].loc[product, "odds_ratio"] = 4.8e-12
    found = sensitivity_table({"p": settings()}, {"p": separated}).set_index("estimand")
    assert found["status"].to_dict() == {
        "exposure_or_modifier_low": "ok",
        "exposure_or_modifier_high": "ok",
        "ratio_of_odds_ratios": "separation",
        "reri": "ok",
        "interaction_contrast": "ok",
    }
    # An E-value of a runaway estimate would look like a robust finding: none is given.
    assert found.loc[["ratio_of_odds_ratios"], ["evalue", "evalue_ci"]].isna().all(axis=None)
    assert found.loc["exposure_or_modifier_low", "evalue"] > 1


def test_a_joint_cell_without_remitters_marks_the_key_estimates(tmp_path) -> None:
    dictionary = REPO / "resources" / "data_dictionary.tsv"
    data = synthetic_analysis_dataset(tmp_path, CONFIG, dictionary)[0]
    chosen = settings()
    chosen.update(COMPLETE_CASE)
    results = {
        "fine": run_stratified_analysis(data, chosen, analysis="fine"),
        "separated": run_stratified_analysis(without_remitters(data), chosen, analysis="separated"),
    }
    table = sensitivity_table({name: chosen for name in results}, results)
    status = table.groupby("analysis")["status"].unique().map(list).to_dict()
    assert status == {"fine": ["ok"], "separated": ["separation"]}
    high = table.set_index(["analysis", "estimand"]).loc[("separated", "exposure_or_modifier_high")]
    assert high["estimate"] < 1e-6 and np.isnan(high["evalue"])


def test_the_report_page_names_the_failed_fit_and_the_analysis_to_change() -> None:
    separated = tables()
    separated["models"].loc[separated["models"]["model"] == "product", "status"] = "separation"
    complete_case = settings()
    complete_case["missing_data"]["method"] = "complete_case"
    table = sensitivity_table(
        {"primary": settings(), "complete_case": complete_case},
        {"primary": tables(), "complete_case": separated},
    )
    page = report_page("sensitivity", table)
    assert "<th>Fit</th>" in page and "<td>separation</td>" in page and "<td>ok</td>" in page
    assert "analyses: {complete_case: {models: {estimator: firth}}}" in page
    assert "{primary:" not in page


@pytest.mark.parametrize(
    ("modifier", "expected"),
    [
        ({}, "IL-6 × HADS anxiety (≥ 12)"),
        ({"threshold": 15}, "IL-6 × HADS anxiety (≥ 15)"),
        ({"high_if": "above"}, "IL-6 × HADS anxiety (> 12)"),
        ({"split": "median"}, "IL-6 × HADS anxiety"),
    ],
)
def test_the_pair_column_names_the_cut_point_of_a_threshold_split(modifier, expected) -> None:
    """HADS anxiety ≥ 12 and ≥ 15 are two pairs: the `pair` column (which the findings compare
    with the primary's) tells them apart; a median split has no fixed cut-point to name."""
    chosen = settings()
    chosen["pair"].update(copy.deepcopy(IL6_HADS))
    chosen["pair"]["modifier"].update(modifier)
    table = sensitivity_table({"p": chosen}, {"p": tables()})
    assert set(table["pair"]) == {expected}


def test_the_default_pair_column_is_its_title() -> None:
    table = sensitivity_table({"p": settings()}, {"p": tables()})
    assert set(table["pair"]) == {"IL-1β × BDNF"}


@pytest.mark.parametrize(
    ("exposure", "expected"),
    [
        ({}, "|z| of log IL-6 > 3"),  # HADS anxiety, a scale, is not screened
        ({"kind": "count"}, "none"),  # neither is a biomarker: nothing is screened
    ],
)
def test_the_exclusions_name_the_variables_screened(exposure, expected) -> None:
    chosen = settings()
    chosen["pair"].update(copy.deepcopy(IL6_HADS))
    chosen["pair"]["exposure"].update(exposure)
    chosen["pair"]["outlier_z"] = 3
    table = sensitivity_table({"a": chosen}, {"a": tables()})
    assert set(table["exclusions"]) == {expected}


def test_analyses_that_change_nothing_for_the_pair_are_left_out(caplog) -> None:
    """For IL-6 (no limit of detection) × HADS anxiety (a scale): lod_half changes nothing and
    outlier_z screens IL-6, so lod_half repeats the primary and outliers does not."""
    primary = settings()
    primary["pair"].update(copy.deepcopy(IL6_HADS))
    primary["pair"]["exposure"]["lod"] = None
    lod_half = copy.deepcopy(primary)
    lod_half["pair"]["below_lod"] = "lod_half"
    outliers = copy.deepcopy(primary)
    outliers["pair"]["outlier_z"] = 3
    chosen = {"primary": primary, "lod_half": lod_half, "outliers": outliers}
    with caplog.at_level("WARNING"):
        table = sensitivity_table(chosen, {name: tables() for name in chosen})
    assert list(dict.fromkeys(table["analysis"])) == ["primary", "outliers"]
    assert "leaves out analysis lod_half" in caplog.text
    assert "outliers" not in caplog.text.replace("pair.outlier_z", "")
