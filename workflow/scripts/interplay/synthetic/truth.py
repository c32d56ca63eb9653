"""True population parameters of the synthetic MAKE BETTER-like cohort (docs/synthetic_cohort.md).

Published targets are quoted where they set a number; everything else is a stated assumption. The
intercept and the dropout and trajectory constants were calibrated once by simulation at large n so
that the published 12-week remission (LOCF, 490 / 1,086 = 45.1 %) is reproduced.
"""

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit, ndtr, ndtri

from interplay.columns import BASELINE_COVARIATES, BASELINE_HAMD_COLUMN, CATEGORY_LEVELS

# --- biomarkers
IL1B_MEDIAN = 0.6  # pg/mL; log-normal, so the population median is exp(log-mean) exactly
IL1B_REFERENCE_LOD = 0.1  # pg/mL; the assay LOD at which ≈ 8 % of patients fall below
IL1B_FRACTION_BELOW_REFERENCE_LOD = 0.08
# log-SD such that P(IL-1β < 0.1) = 8 %: (log 0.1 - log 0.6) / Φ⁻¹(0.08)
IL1B_LOG_SD = (math.log(IL1B_REFERENCE_LOD) - math.log(IL1B_MEDIAN)) / float(
    ndtri(IL1B_FRACTION_BELOW_REFERENCE_LOD)
)
IL1B_DECIMALS = 3
BDNF_MEAN, BDNF_SD = 22.0, 7.5  # ng/mL, normal truncated to > 0
BDNF_DECIMALS = 2


def truncated_normal_quantile(u: np.ndarray, loc: float, scale: float, low: float, high: float):
    """Quantile function of N(loc, scale²) truncated to [low, high], evaluated at u."""
    lower, upper = ndtr((low - loc) / scale), ndtr((high - loc) / scale)
    return loc + scale * ndtri(lower + u * (upper - lower))


BDNF_MEDIAN = float(truncated_normal_quantile(np.array(0.5), BDNF_MEAN, BDNF_SD, 0.0, math.inf))

# --- covariate margins
# Truncated normals: (loc, scale, low, high); loc and scale solved so that the truncated
# distribution has the target mean ± SD (age 56.9 ± 14.9, education 9.1 ± 4.8, HADS-A 11.5 ± 4,
# SOFAS 55 ± 10).
TRUNCATED_NORMALS = {
    "age": (56.7588, 15.4081, 18.0, 100.0),
    "education_years": (8.4143, 5.4133, 0.0, 30.0),
    "hads_anxiety": (11.6046, 4.2206, 0.0, 21.0),
    "sofas": (55.0002, 10.0004, 0.0, 100.0),
}
# Baseline HAMD-17: 14 + Gamma(shape, scale) with mean 20 and SD 4.5 — all ≥ 14 (inclusion rule).
HAMD_MINIMUM, HAMD_MAXIMUM = 14, 52
HAMD_GAMMA_SHAPE = (6.0 / 4.5) ** 2
HAMD_GAMMA_SCALE = 4.5**2 / 6.0
# Proportions of the binary covariates (published, Clin Psychopharmacol Neurosci 2022 Table 1).
PROPORTIONS = {
    "female": 0.686,
    "unmarried": 0.300,
    "living_alone": 0.154,
    "religious": 0.559,
    "unemployed": 0.291,
    "low_income": 0.597,
}
# Counts as negative binomial (n, p): previous episodes median 1 (mean 1.5, variance 3);
# physical disorders mean 1.5, SD 1.3.
NEGATIVE_BINOMIALS = {
    "previous_episodes": (1.5, 0.5, 100),
    "physical_disorders": (1.5**2 / (1.3**2 - 1.5), 1.5 / 1.3**2, 30),
}
EPISODE_MEDIAN_MONTHS, EPISODE_LOG_SD, EPISODE_MAX_MONTHS = 6.0, 1.0, 600.0

# Latent Gaussian (copula) order: the baseline covariates (sex as the indicator of its first level),
# baseline HAMD and the biomarkers; and the mild correlations between the latent scores.
SEX_LATENT = CATEGORY_LEVELS["sex"][0]
LATENT = (
    *(SEX_LATENT if name == "sex" else name for name in BASELINE_COVARIATES),
    BASELINE_HAMD_COLUMN,
    "il1b",
    "bdnf",
)
LATENT_CORRELATIONS = {
    ("age", "education_years"): -0.45,
    ("age", "physical_disorders"): 0.45,
    ("age", "previous_episodes"): 0.15,
    ("age", "unemployed"): 0.25,
    ("age", "unmarried"): 0.10,
    ("age", "religious"): 0.10,
    ("age", "il1b"): 0.15,
    ("age", "bdnf"): -0.10,
    ("female", "education_years"): -0.15,
    ("female", "unemployed"): 0.10,
    ("education_years", "low_income"): -0.35,
    ("education_years", "unemployed"): -0.15,
    ("unemployed", "low_income"): 0.30,
    ("unmarried", "living_alone"): 0.60,
    ("unmarried", "low_income"): 0.15,
    ("hads_anxiety", "hamd_baseline"): 0.40,
    ("hads_anxiety", "sofas"): -0.25,
    ("sofas", "hamd_baseline"): -0.35,
    ("sofas", "unemployed"): -0.15,
    ("episode_duration_months", "previous_episodes"): 0.10,
    ("physical_disorders", "il1b"): 0.10,
    ("hamd_baseline", "il1b"): 0.08,
    ("il1b", "bdnf"): -0.20,
}


def latent_correlation() -> np.ndarray:
    """The correlation matrix of the latent Gaussian scores, in LATENT order."""
    index = {name: i for i, name in enumerate(LATENT)}
    matrix = np.eye(len(LATENT))
    for (first, second), rho in LATENT_CORRELATIONS.items():
        matrix[index[first], index[second]] = matrix[index[second], index[first]] = rho
    return matrix


# --- outcome
REMISSION_THRESHOLD = 7  # HAMD-17 ≤ 7 at week 12 (published definition)
WEEKS = (0, 3, 6, 9, 12)
# Logistic model for true week-12 remission, per unit on the dataset's scales. Terms: the
# prespecified adjustment set of config.yaml plus the biomarker median splits and their product.
# IL-1β high: OR 0.45 when BDNF is low, 0.45 × 2.22 = 1.0 when BDNF is high (Cho et al. 2025).
IL1B_LOG_OR_LOW_BDNF = math.log(0.45)
COEFFICIENTS = {
    "intercept": 0.42,  # calibrated: LOCF remission ≈ 45.1 % in the analytic sample
    "age": 0.018,  # older → more remission (remitters 58.2 vs 55.9 years)
    "sex_male": -0.05,
    "education_years": 0.01,
    "unmarried": -0.10,
    "unemployed": -0.15,
    "low_income": -0.30,  # 62.9 % of non-remitters vs 55.7 % of remitters
    "hamd_baseline": -0.08,
    "hads_anxiety": -0.03,
    "sofas": 0.02,
    "episode_duration_months": -0.015,
    "previous_episodes": -0.05,
    "physical_disorders": -0.05,
    "exposure_high": IL1B_LOG_OR_LOW_BDNF,
    "modifier_high": 0.10,
    "exposure_high:modifier_high": -IL1B_LOG_OR_LOW_BDNF,
}
# Week-12 HAMD given the outcome: remitters Binomial(7, p); non-remitters 8 + a Beta share of the
# range 8 … baseline + NONREMITTER_WORSENING (some get worse).
REMITTER_BINOMIAL_P = 0.55
NONREMITTER_BETA = (1.5, 3.0)
NONREMITTER_WORSENING = 6
# Intermediate visits follow an exponential approach to week 12 (fast early improvement) plus noise.
TRAJECTORY_TIME_CONSTANT_WEEKS = 6.0
VISIT_NOISE_SD = 2.5
# Dropout hazard after attending week 3, 6 or 9: expit(a + b × HAMD_k / HAMD_0), so non-improvers
# (ratio near 1) leave more often; a calibrated to ≈ 18 % dropout before week 12.
DROPOUT_INTERCEPT = -4.78
DROPOUT_SLOPE_PER_RATIO = 3.0
# Treatment step reached by week 12 (1, 2, 3, 4+), by true remission: ≈ 45 / 25 / 15 / 15 % overall.
STEP_PROBABILITIES = {1: (0.60, 0.25, 0.10, 0.05), 0: (0.32, 0.25, 0.19, 0.24)}

# --- 12-month follow-up (synthetic.long_follow_up; assumptions, nothing published is used)
# Continuation visits after the 12-week acute phase, every 12 weeks to week 52.
FOLLOW_UP_WEEKS = (24, 36, 52)
RELAPSE_THRESHOLD = 14  # relapse: HAMD-17 >= 14 at a continuation visit
RESPONSE_REDUCTION = 0.5  # week-12 response: HAMD-17 at most half the baseline rating
# Week-12 responders relapse by week 52 with P = expit(intercept + log OR × il1b_high), once, at a
# continuation visit drawn uniformly, and stay at their relapse score: 20 % at low IL-1β, OR 2.
RELAPSE_INTERCEPT = math.log(0.2 / 0.8)
RELAPSE_IL1B_LOG_OR = math.log(2.0)
# A relapse score is max(14, half the baseline + 1) plus Binomial(6, 0.5): neither remission nor
# response. Non-relapsers stay within CONTINUATION_NOISE_SD of their week-12 rating, below 14
# and at most half their baseline (a sustained response).
RELAPSE_EXTRA_BINOMIAL = (6, 0.5)
CONTINUATION_NOISE_SD = 2.0
# Week-12 non-responders reach a remitter's score (Binomial(7, 0.55)) by week 52 with this
# probability, linearly over the continuation visits; the others end where they were at week 12.
LATE_REMISSION_PROBABILITY = 0.35
# After attending week 12, 24 or 36 a patient leaves with this probability (when dropout is on).
CONTINUATION_DROPOUT = 0.08


def relapse_probabilities() -> dict[str, float]:
    """True probability of relapse by week 52 among week-12 responders, by IL-1β group."""
    low = float(expit(RELAPSE_INTERCEPT))
    return {
        "il1b_low": low,
        "il1b_high": float(expit(RELAPSE_INTERCEPT + RELAPSE_IL1B_LOG_OR)),
        "il1b_high_odds_ratio": math.exp(RELAPSE_IL1B_LOG_OR),
    }


def follow_up_record() -> dict[str, Any]:
    """The truth of the 12-month follow-up, for truth.json."""
    return {
        "weeks": list(FOLLOW_UP_WEEKS),
        "relapse_threshold": RELAPSE_THRESHOLD,
        "relapse_probabilities": relapse_probabilities(),
        "mechanism": "week-12 responders (attending week 12, HAMD-17 <= half the baseline) relapse "
        "by week 52 with P = expit(intercept + log_or × il1b_high), il1b_high = il1b > population "
        "median, at one continuation visit drawn uniformly, keeping a score >= 14 and above half "
        "the baseline; non-relapsers stay below 14 and at most half the baseline, so sustained "
        "response = no relapse; non-responders remit by week 52 with late_remission_probability",
        "relapse_intercept": RELAPSE_INTERCEPT,
        "relapse_il1b_log_or": RELAPSE_IL1B_LOG_OR,
        "late_remission_probability": LATE_REMISSION_PROBABILITY,
        "continuation_dropout": CONTINUATION_DROPOUT,
    }


# --- missing covariates
# Relative missingness of each covariate (age and sex always recorded); rates are
# missing_fraction × weight / mean(weight), so the default 0.025 spans 0 – 4 %.
MISSING_WEIGHTS = {
    "education_years": 1.2,
    "unmarried": 0.4,
    "living_alone": 1.6,
    "religious": 2.0,
    "unemployed": 0.8,
    "low_income": 2.0,
    "hads_anxiety": 1.2,
    "sofas": 1.6,
    "episode_duration_months": 1.6,
    "previous_episodes": 1.2,
    "physical_disorders": 0.8,
    "treatment_step": 0.4,
}


def stratum_odds_ratios() -> dict[str, float]:
    """True OR of IL-1β high vs low within low-BDNF and within high-BDNF patients."""
    main, product = COEFFICIENTS["exposure_high"], COEFFICIENTS["exposure_high:modifier_high"]
    return {
        "il1b_high_within_bdnf_low": math.exp(main),
        "il1b_high_within_bdnf_high": math.exp(main + product),
    }


def missing_rates(missing_fraction: float) -> dict[str, float]:
    """Per-covariate missing rates with mean missing_fraction over the covariates that can miss."""
    mean_weight = sum(MISSING_WEIGHTS.values()) / len(MISSING_WEIGHTS)
    return {name: missing_fraction * w / mean_weight for name, w in MISSING_WEIGHTS.items()}


DEFAULT_PAIR_TERMS = (
    "exposure_high = il1b > population median (below-LOD values are low), modifier_high = bdnf > "
    "population median; exposure_high:modifier_high = their product"
)


def truth_record(
    arguments: dict[str, Any], rates: dict[str, float], n_total: int, n_patients: int, analytic: int
) -> dict[str, Any]:
    """The true parameters and mechanisms, as plain JSON-ready types."""
    scenario = arguments.get("scenario", DEFAULT_SCENARIO)
    pair_terms = (
        DEFAULT_PAIR_TERMS if scenario == DEFAULT_SCENARIO else scenario_terms(SCENARIOS[scenario])
    )
    return {
        "generator": "interplay.synthetic.cohort.simulate_cohort",
        "arguments": arguments,
        "seed": arguments["seed"],
        "lod": arguments["lod"],
        "counts": {"enrolled": n_total, "with_biomarkers": n_patients, "analytic": analytic},
        "coefficients": scenario_coefficients(scenario),
        "outcome_model": (
            "P(remission) = expit(sum of coefficient × term); remission = week-12 HAMD-17 <= "
            f"{REMISSION_THRESHOLD} (exact without dropout); terms per unit on the dataset "
            f"scales; sex_male = 1 for sex 'male'; hamd_baseline = week-0 HAMD; {pair_terms}; "
            "uses the latent biomarkers of patients whose biomarkers are blank"
        ),
        "population_medians": {"il1b": IL1B_MEDIAN, "bdnf": BDNF_MEDIAN},
        "stratum_odds_ratios": stratum_odds_ratios(),
        "biomarker_distributions": {
            "il1b": f"log-normal, median {IL1B_MEDIAN}, log-SD {IL1B_LOG_SD:.6f}",
            "bdnf": f"normal({BDNF_MEAN}, {BDNF_SD}) truncated to > 0",
        },
        "dropout": {
            "enabled": arguments["dropout"],
            "mechanism": "after attending week k in 3, 6, 9 leave with probability "
            "expit(intercept + slope × HAMD_k / HAMD_0); n_without_followup leave after week 0",
            "intercept": DROPOUT_INTERCEPT,
            "slope": DROPOUT_SLOPE_PER_RATIO,
        },
        "missingness": {
            "enabled": arguments["missingness"],
            "mechanism": "missing at random given observed data: covariate j of a patient is "
            "missing with probability expit(c_j + strength × s), s = 1 for patients with an "
            "observed LOCF non-remission and IL-1β above the population median, else 0; c_j "
            "solved so the mean probability over the cohort is rates[j]; never biomarkers, age, "
            "sex or HAMD",
            "strength": arguments["missingness_strength"],
            "rates": rates,
        },
    } | (
        ({"follow_up": follow_up_record()} if arguments.get("long_follow_up") else {})
        | ({"scenario": scenario_record(scenario)} if scenario != DEFAULT_SCENARIO else {})
    )


# --- scenarios (synthetic.scenario): other pairs of the family, each with its own true terms
@dataclass(frozen=True)
class Marker:
    """A serum marker the data dictionary does not know: log-normal, rounded as a lab reports."""

    column: str
    unit: str
    median: float  # population median (exp of the log-mean)
    log_sd: float
    decimals: int


# Assumptions (plausible serum levels in depressed outpatients, nothing from MAKE BETTER): IL-6 with
# ≈ 5.5 % below an assay LOD of 0.5 pg/mL, serotonin and TNF-α always measurable.
EXTRA_MARKERS = {
    "il6": Marker("il6", "pg/mL", median=1.8, log_sd=0.8, decimals=2),
    "serotonin": Marker("serotonin", "ng/mL", median=150.0, log_sd=0.5, decimals=1),
    "tnf_alpha": Marker("tnf_alpha", "pg/mL", median=6.0, log_sd=0.45, decimals=2),
}
IL6_REFERENCE_LOD = 0.5
SOFAS_MEAN = 55.0  # the published mean (TRUNCATED_NORMALS above)


@dataclass(frozen=True)
class Scenario:
    """A pair with a known truth: the exposure marker, the modifier covariate and their true terms.

    coding split: exposure_high = marker above its population median, modifier_high = modifier at
    or above `threshold`; coding continuous: exposure_scaled = log2(marker), modifier_scaled =
    the modifier per point. `terms` are the exposure, modifier and product coefficients under the
    generic names the analysis fits; the modifier's linear covariate term leaves the true model
    (the analysis drops the pair's columns from the adjustment set). The intercept was calibrated
    once by simulation (n = 400,000) to the default's mean true remission probability (49.1 %).
    """

    exposure: str
    modifier: str
    coding: str  # split | continuous
    intercept: float
    terms: dict[str, float]
    threshold: float | None = None
    lod: float | None = None  # the exposure assay's reference LOD (cells written <LOD below it)

    @property
    def marker(self) -> Marker:
        """The exposure's margin."""
        return EXTRA_MARKERS[self.exposure]


DEFAULT_SCENARIO = "cho2025"
# IL-6 high: OR 0.8 with HADS-A < 12, 0.8 × 0.5 = 0.4 with HADS-A ≥ 12 (anxious depression).
# Serotonin high: OR 1.5 before age 60, 1.5 / 1.5 = 1.0 from 60 on.
# TNF-α: log OR log(0.75) per doubling at SOFAS 55, 0.015 less negative per SOFAS point above.
TNF_LOG_OR_AT_MEAN_SOFAS = math.log(0.75)
TNF_SOFAS_PRODUCT = 0.015
SCENARIOS = {
    "il6_anxiety": Scenario(
        exposure="il6",
        modifier="hads_anxiety",
        coding="split",
        intercept=0.354,
        threshold=12,
        lod=IL6_REFERENCE_LOD,
        terms={
            "exposure_high": math.log(0.8),
            "modifier_high": -0.35,
            "exposure_high:modifier_high": math.log(0.5),
        },
    ),
    "serotonin_age": Scenario(
        exposure="serotonin",
        modifier="age",
        coding="split",
        intercept=0.985,
        threshold=60,
        terms={
            "exposure_high": math.log(1.5),
            "modifier_high": 0.40,
            "exposure_high:modifier_high": -math.log(1.5),
        },
    ),
    "tnf_sofas": Scenario(
        exposure="tnf_alpha",
        modifier="sofas",
        coding="continuous",
        intercept=0.982,
        terms={
            "exposure_scaled": TNF_LOG_OR_AT_MEAN_SOFAS - SOFAS_MEAN * TNF_SOFAS_PRODUCT,
            "modifier_scaled": COEFFICIENTS["sofas"],
            "exposure_scaled:modifier_scaled": TNF_SOFAS_PRODUCT,
        },
    ),
}
SCENARIO_NAMES = (DEFAULT_SCENARIO, *SCENARIOS)


def scenario_coefficients(name: str) -> dict[str, float]:
    """The true outcome coefficients of a scenario, in design order (cho2025: COEFFICIENTS):
    the scenario's intercept and pair terms replace IL-1β's and BDNF's and the modifier's own."""
    if name == DEFAULT_SCENARIO:
        return dict(COEFFICIENTS)
    scenario = SCENARIOS[name]
    removed = (scenario.modifier, "exposure_high", "modifier_high", "exposure_high:modifier_high")
    coefficients = {term: value for term, value in COEFFICIENTS.items() if term not in removed}
    return coefficients | {"intercept": scenario.intercept} | scenario.terms


def scenario_terms(scenario: Scenario) -> str:
    """The scenario's pair terms in words, for truth.json."""
    marker = scenario.marker
    if scenario.coding == "split":
        terms = (
            f"exposure_high = {marker.column} > population median {marker.median:g} "
            f"{marker.unit} (below-LOD values are low), modifier_high = {scenario.modifier} >= "
            f"{scenario.threshold:g}; exposure_high:modifier_high = their product"
        )
    else:
        terms = (
            f"exposure_scaled = log2({marker.column}), modifier_scaled = {scenario.modifier} per "
            "point; exposure_scaled:modifier_scaled = their product"
        )
    return f"{terms}; {scenario.modifier} has no linear term (it is the modifier)"


def scenario_record(name: str) -> dict[str, Any]:
    """The truth of a non-default scenario, for truth.json."""
    scenario = SCENARIOS[name]
    marker = scenario.marker
    terms = dict(scenario.terms)
    if scenario.coding == "split":
        effects = {
            "exposure_odds_ratio_within_modifier_low": math.exp(terms["exposure_high"]),
            "exposure_odds_ratio_within_modifier_high": math.exp(
                terms["exposure_high"] + terms["exposure_high:modifier_high"]
            ),
        }
    else:
        effects = {
            "exposure_log_or_per_doubling_at_modifier_mean": TNF_LOG_OR_AT_MEAN_SOFAS,
            "modifier_mean": SOFAS_MEAN,
        }
    return {
        "name": name,
        "exposure": scenario.exposure,
        "modifier": scenario.modifier,
        "coding": scenario.coding,
        "threshold": scenario.threshold,
        "terms": terms,
        "term_definitions": scenario_terms(scenario),
        "missingness_exposure": f"the missingness score uses {marker.column} above its "
        "population median in place of IL-1β",
        "effects": effects,
        "marker": {
            "column": marker.column,
            "unit": marker.unit,
            "median": marker.median,
            "log_sd": marker.log_sd,
            "distribution": f"log-normal, median {marker.median}, log-SD {marker.log_sd}, "
            f"independent of everything else, {marker.decimals} decimals",
            "reference_lod": scenario.lod,
        },
    }
