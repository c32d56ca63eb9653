"""Synthetic scenarios (synthetic.scenario) and the example configs of config/examples/ that study
them: the default cohort is untouched, each extra marker has its stated margin, and the analysis
model of each example recovers the scenario's true exposure, modifier and product log ORs.

The designs are built here from the exported tables with plain pandas and the example config's
pair (sample median split, threshold, log2), independently of the generator's code; statsmodels
Logit is the fitter, and estimates must lie within 4 SE of the truth at n = 100,000.
"""

import copy
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml
from conftest import REPO
from interplay.api import read_config
from interplay.errors import InputError
from interplay.synthetic import truth as cohort_truth
from interplay.synthetic.cohort import simulate_cohort
from interplay.synthetic.dataset import synthetic_analysis_dataset
from scipy.stats import norm
from snakemake.utils import update_config

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
EXAMPLES = {
    "il6_anxiety": ("primary", "IL-6", "HADS anxiety"),
    "serotonin_age": ("primary", "Serotonin", "Age"),
    "tnf_sofas": ("continuous", "TNF-α", "SOFAS"),
}
PAIR_TERMS = {
    "split": ("exposure_high", "modifier_high", "exposure_high:modifier_high"),
    "continuous": ("exposure_scaled", "modifier_scaled", "exposure_scaled:modifier_scaled"),
}
LARGE = {
    "n_patients": 100_000,
    "n_without_biomarkers": 0,
    "n_without_followup": 0,
    "dropout": False,
    "missingness": False,
}


def example_config(name: str) -> dict:
    """config.yaml with the example overlaid, as `snakemake --configfile` merges them."""
    config = copy.deepcopy(CONFIG)
    overlay = (REPO / "config" / "examples" / f"{name}.yaml").read_text(encoding="utf-8")
    update_config(config, yaml.safe_load(overlay))
    return config


def analysis_pair(name: str) -> tuple[dict, str]:
    """The example's pair settings of the analysis with the known truth, and its coding."""
    config = example_config(name)
    analysis = EXAMPLES[name][0]
    pair = copy.deepcopy(config["pair"])
    update_config(pair, config["analyses"][analysis].get("pair", {}))
    return pair, pair.get("coding", "split")


def marker_numbers(text: pd.Series) -> pd.Series:
    """A marker as numbers; below-LOD text ('<0.50') becomes 0 (below any median)."""
    below = text.astype(str).str.startswith("<")
    return pd.to_numeric(text.where(~below), errors="coerce").mask(below, 0.0)


def variable_terms(values: pd.Series, entry: dict, coding: str) -> pd.Series:
    """One variable of the pair coded as the example config asks (independent of the library)."""
    if coding == "continuous":
        return {"log2": np.log2, "none": lambda v: v.astype(float)}[entry["transform"]](values)
    if entry["split"] == "threshold":
        assert entry["high_if"] == "at_or_above"
        return (values >= entry["threshold"]).astype(float)
    return (values > values.median()).astype(float)


def analysis_design(cohort, pair: dict, coding: str) -> tuple[pd.DataFrame, pd.Series]:
    """Intercept, the truth's covariates and the example's pair terms from the exported tables."""
    visits = cohort.visits.pivot(index="patient_id", columns="week", values="hamd")
    data = cohort.baseline.set_index("patient_id")
    design = pd.DataFrame({"intercept": 1.0}, index=data.index)
    for name in cohort.truth["coefficients"]:
        if name in data.columns:
            design[name] = data[name].astype(float)
    design["sex_male"] = (data["sex"] == "male").astype(float)
    design["hamd_baseline"] = visits[0].astype(float)
    exposure, modifier, product = PAIR_TERMS[coding]
    design[exposure] = variable_terms(
        marker_numbers(data[pair["exposure"]["column"]]), pair["exposure"], coding
    )
    design[modifier] = variable_terms(
        data[pair["modifier"]["column"]].astype(float), pair["modifier"], coding
    )
    design[product] = design[exposure] * design[modifier]
    remission = (visits[12] <= CONFIG["outcome"]["remission_threshold"]).astype(float)
    return design[list(cohort.truth["coefficients"])], remission


@pytest.fixture(scope="module", params=list(EXAMPLES))
def large(request):
    """Each scenario at n = 100,000 without dropout or missingness, with its example's pair."""
    name = request.param
    pair, coding = analysis_pair(name)
    cohort = simulate_cohort(**LARGE, scenario=name, lod=pair["exposure"]["lod"])
    return name, cohort, pair, coding


def test_the_default_scenario_is_the_cho2025_cohort():
    """scenario cho2025 is the default; it adds no column and records no scenario."""
    default, named = simulate_cohort(), simulate_cohort(scenario="cho2025")
    pd.testing.assert_frame_equal(default.baseline, named.baseline)
    pd.testing.assert_frame_equal(default.visits, named.visits)
    assert "scenario" not in default.truth and "scenario" not in default.truth["arguments"]
    assert not set(cohort_truth.EXTRA_MARKERS) & set(default.baseline.columns)


@pytest.mark.parametrize("name", list(cohort_truth.SCENARIOS))
def test_a_scenario_keeps_the_covariates_and_adds_its_marker(name):
    """Covariates, IL-1β and BDNF come from the default streams; the marker column comes last.

    The treatment step follows the true remission, which the scenario changes."""
    default = simulate_cohort(missingness=False)
    other = simulate_cohort(missingness=False, scenario=name, lod=None)
    marker = cohort_truth.SCENARIOS[name].exposure
    assert other.baseline.columns[-1] == marker
    pd.testing.assert_frame_equal(
        other.baseline.drop(columns=[marker, "treatment_step"]),
        default.baseline.drop(columns="treatment_step"),
    )
    first = default.visits.query("week == 0").reset_index(drop=True)
    pd.testing.assert_frame_equal(first, other.visits.query("week == 0").reset_index(drop=True))


@pytest.mark.parametrize("name", list(cohort_truth.SCENARIOS))
def test_truth_terms_replace_the_modifier_and_the_default_pair(name):
    """The scenario's coefficients: the default's covariates without the modifier, its terms."""
    scenario = cohort_truth.SCENARIOS[name]
    coefficients = simulate_cohort(n_patients=50, scenario=name, lod=None).truth["coefficients"]
    prespecified = CONFIG["covariates"]["sets"]["prespecified"]
    covariates = ["sex_male" if c == "sex" else c for c in prespecified if c != scenario.modifier]
    assert list(coefficients) == ["intercept", *covariates, *PAIR_TERMS[scenario.coding]]


def test_stated_effects_have_their_closed_forms():
    """IL-6: OR 0.8 and 0.4; serotonin: 1.5 and 1.0; TNF-α: log(0.75) per doubling at SOFAS 55."""
    records = {
        name: simulate_cohort(n_patients=50, scenario=name, lod=None).truth["scenario"]
        for name in cohort_truth.SCENARIOS
    }
    il6 = records["il6_anxiety"]["effects"]
    assert il6["exposure_odds_ratio_within_modifier_low"] == pytest.approx(0.8)
    assert il6["exposure_odds_ratio_within_modifier_high"] == pytest.approx(0.4)
    serotonin = records["serotonin_age"]["effects"]
    assert serotonin["exposure_odds_ratio_within_modifier_low"] == pytest.approx(1.5)
    assert serotonin["exposure_odds_ratio_within_modifier_high"] == pytest.approx(1.0)
    tnf = records["tnf_sofas"]["terms"]
    at_55 = tnf["exposure_scaled"] + 55 * tnf["exposure_scaled:modifier_scaled"]
    assert at_55 == pytest.approx(math.log(0.75))


def test_marker_margins_and_il6_limit_of_detection(large):
    """log(marker) has the stated median and SD; IL-6 below 0.5 pg/mL is written <0.50."""
    _, cohort, pair, _ = large
    record = cohort.truth["scenario"]["marker"]
    text = cohort.baseline[record["column"]]
    logs = np.log(marker_numbers(text).clip(lower=1e-9))  # below-LOD cells stay below the median
    n = len(text)
    # The SE of a normal sample's median is √(π/2) σ / √n.
    median_se = math.sqrt(math.pi / 2) * record["log_sd"] / n**0.5
    assert logs.median() == pytest.approx(math.log(record["median"]), abs=4 * median_se)
    if pair["exposure"]["lod"] is None:
        assert logs.std() == pytest.approx(record["log_sd"], rel=0.01)
        assert not text.str.startswith("<").any()
        return
    lod = pair["exposure"]["lod"]
    below = text.str.startswith("<")
    expected = norm.cdf((math.log(lod) - math.log(record["median"])) / record["log_sd"])
    assert below.mean() == pytest.approx(expected, abs=4 * (expected / n) ** 0.5)
    assert set(text[below]) == {f"<{lod:.2f}"}


def test_remission_stays_near_the_default_rate(large):
    """The calibrated intercepts keep true remission near the default's 49 % (no dropout)."""
    _, cohort, _, _ = large
    week12 = cohort.visits.query("week == 12")["hamd"]
    assert (week12 <= 7).mean() == pytest.approx(0.491, abs=0.01)


def test_the_example_model_recovers_every_true_coefficient(large):
    """Logit on the example's coding of the pair: every coefficient within 4 SE of the truth."""
    _, cohort, pair, coding = large
    design, remission = analysis_design(cohort, pair, coding)
    fit = sm.Logit(remission, design).fit(disp=0)
    z = (fit.params - pd.Series(cohort.truth["coefficients"])) / fit.bse
    assert z.abs().max() < 4, z.round(2).to_dict()


@pytest.mark.parametrize(
    "arguments",
    [{"scenario": "il6_x_bdnf"}, {"scenario": "il6_anxiety", "lod": 1.8}],
)
def test_impossible_scenarios_are_input_errors(arguments):
    """An unknown scenario, or a marker LOD at or above its median, names synthetic settings."""
    with pytest.raises(InputError, match="synthetic"):
        simulate_cohort(**arguments)


@pytest.mark.workflow  # 100,000 patients through ingestion and the data stage
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_library_dataset_recovers_the_pair_terms(name, tmp_path):
    """The analysis dataset built by the library with the example's settings: the exposure,
    modifier and product log ORs of a Logit on its coded columns are within 4 SE of the truth."""
    config = example_config(name)
    pair, coding = analysis_pair(name)
    settings = {**config, "pair": pair}
    dataset, truth = synthetic_analysis_dataset(
        tmp_path,
        settings,
        REPO / "resources" / "data_dictionary.tsv",
        **LARGE,
        scenario=name,
        lod=pair["exposure"]["lod"],
    )
    covariates = [c for c in truth["coefficients"] if c in dataset.columns]
    terms = PAIR_TERMS[coding]
    design = dataset[covariates].astype(float)
    design.insert(0, "intercept", 1.0)
    design["sex_male"] = (dataset["sex"] == "male").astype(float)
    design[list(terms[:2])] = dataset[list(terms[:2])].astype(float)
    design[terms[2]] = design[terms[0]] * design[terms[1]]
    fit = sm.Logit(dataset["remission"].astype(float), design).fit(disp=0)
    expected = pd.Series(truth["coefficients"])[list(terms)]
    z = (fit.params[list(terms)] - expected) / fit.bse[list(terms)]
    assert z.abs().max() < 4, z.round(2).to_dict()


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_example_is_a_valid_overlay_of_its_scenario(name):
    """The workflow's checks pass; the scenario is the example's and its marker is declared as
    the exposure, with the scenario's LOD; the modifier and its cut-point are the truth's."""
    settings = read_config(example_config(name))
    scenario = cohort_truth.SCENARIOS[settings["synthetic"]["scenario"]]
    assert settings["synthetic"]["scenario"] == name
    pair, coding = analysis_pair(name)
    assert coding == scenario.coding
    assert pair["exposure"]["column"] == scenario.exposure in settings["data"]["extra_columns"]
    assert settings["data"]["extra_columns"][scenario.exposure]["type"] == "biomarker"
    assert pair["exposure"]["lod"] == scenario.lod
    assert pair["modifier"]["column"] == scenario.modifier
    if coding == "split":
        assert pair["modifier"]["split"] == "threshold"
        assert pair["modifier"]["threshold"] == scenario.threshold
    assert pair["exposure"]["label"] == EXAMPLES[name][1]
    assert pair["modifier"]["label"] == EXAMPLES[name][2]
    assert "tertiles" not in settings["run"] or coding == "continuous"
