"""The one registry of what a person reads in place of a code: variables, models, terms, measures,
interval methods, analyses, flow stages and estimands, each with its label (and a variable's unit).

The TSV tables keep the codes (documented in the README); the report pages, the paper tables, the
findings, the methods paragraph and the figures show these labels. A code without an entry is shown
with its underscores as spaces, so a new analysis or covariate still reads as words.
"""

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from interplay.tables import WHOLE_SAMPLE

# Analysis dataset columns: (label, unit); the units agree with resources/data_dictionary.tsv.
VARIABLES: dict[str, tuple[str, str]] = {
    "outcome": ("Outcome", ""),
    "remission": ("Remission", ""),
    "response": ("Response", ""),
    "il1b": ("IL-1β", "pg/mL"),
    "bdnf": ("BDNF", "ng/mL"),
    "exposure": ("IL-1β", "pg/mL"),
    "modifier": ("BDNF", "ng/mL"),
    "exposure_scaled": ("log2 IL-1β", "per doubling"),
    "modifier_scaled": ("BDNF", "per SD"),
    "exposure_high": ("IL-1β above its median", ""),
    "modifier_high": ("BDNF above its median", ""),
    "exposure_tertile": ("IL-1β tertile", ""),
    "modifier_tertile": ("BDNF tertile", ""),
    "il1b_below_lod": ("IL-1β below the limit of detection", ""),
    "age": ("Age", "years"),
    "sex": ("Sex", ""),
    "sex_male": ("Male sex", ""),
    "education_years": ("Education", "years"),
    "unmarried": ("Unmarried", ""),
    "living_alone": ("Living alone", ""),
    "religious": ("Religious", ""),
    "unemployed": ("Unemployed", ""),
    "low_income": ("Low income", ""),
    "hamd_baseline": ("Baseline HAMD-17", "points"),
    "hads_anxiety": ("HADS anxiety", "points"),
    "sofas": ("SOFAS", "points"),
    "episode_duration_months": ("Episode duration", "months"),
    "previous_episodes": ("Previous episodes", "episodes"),
    "physical_disorders": ("Physical disorders", "disorders"),
    "treatment_step": ("Treatment step reached by week 12", "step"),
}
# Variables measured after baseline: Table 1 flags them and lists them last (not confounders).
POST_BASELINE = ("treatment_step",)
# Levels of categorical Table 1 variables.
COVARIATE_LEVELS = {"female": "Female", "male": "Male"}

MODELS = {
    "exposure": "IL-1β, adjusted",
    "modifier": "BDNF, adjusted",
    "main_effects": "IL-1β and BDNF",
    "product": "IL-1β × BDNF product term",
    "continuous": "log2 IL-1β × BDNF per SD",
    "stratum_modifier_low": "IL-1β within low BDNF",
    "stratum_modifier_high": "IL-1β within high BDNF",
    "stratum_exposure_low": "BDNF within low IL-1β",
    "stratum_exposure_high": "BDNF within high IL-1β",
    "product_lincom": "Within-stratum ORs from the product model",
    "joint_lincom": "Tertile contrasts from the joint model",
}

# Terms other than the covariates (which are variables): exposures, products and contrasts.
TERMS = {
    "intercept": "Intercept",
    "exposure_high": "IL-1β high vs low",
    "modifier_high": "BDNF high vs low",
    "exposure_high:modifier_high": "IL-1β high × BDNF high (ratio of ORs)",
    "exposure_scaled": "IL-1β, per doubling",
    "modifier_scaled": "BDNF, per SD",
    "exposure_scaled:modifier_scaled": "IL-1β per doubling × BDNF per SD",
    "exposure_high|modifier_low": "IL-1β high vs low, within low BDNF",
    "exposure_high|modifier_high": "IL-1β high vs low, within high BDNF",
    "modifier_high|exposure_low": "BDNF high vs low, within low IL-1β",
    "modifier_high|exposure_high": "BDNF high vs low, within high IL-1β",
    "exposure_T3|modifier_T1": "IL-1β top vs bottom tertile, within the bottom BDNF tertile",
    "exposure_T3|modifier_T3": "IL-1β top vs bottom tertile, within the top BDNF tertile",
    "exposure_T3:modifier_T3": "IL-1β top × BDNF top tertile (ratio of ORs)",
}

# Knol & VanderWeele (2012) measures (interplay.interaction.measures); risk_<group> added below.
MEASURES = {
    "ratio_of_odds_ratios": "Ratio of odds ratios",
    "wald_test": "Wald test of the product term",
    "lr_test": "Likelihood-ratio test of the product term",
    "or_10": "OR, IL-1β changed alone (OR10)",
    "or_01": "OR, BDNF changed alone (OR01)",
    "or_11": "OR, both changed (OR11)",
    "reri": "RERI (relative excess risk due to interaction)",
    "ap": "Attributable proportion due to interaction (AP)",
    "s": "Synergy index (S)",
    "ic": "Interaction contrast on the risk scale (IC)",
}

SCALES = {
    "multiplicative": "Multiplicative",
    "joint_odds_ratio": "Joint odds ratio",
    "additive": "Additive (odds ratios)",
    "additive_risk": "Additive (risks)",
    "risk": "Standardised risk",
}

OUTCOMES = {
    "remission": "Remission",
    "non_remission": "Non-remission",
    "response": "Response",
    "non_response": "Non-response",
    "relapse": "Relapse",
    "non_relapse": "No relapse",
}
# The sub-cohort of an earlier outcome (outcome.among), as in "the patients responding at week 12".
SUB_COHORTS = {"response": "responding", "remission": "in remission"}


def outcome_title(outcome: Mapping[str, Any]) -> str:
    """'Remission at week 12', 'Relapse by week 52 (responding at week 12)': an outcome's title."""
    definition, among = outcome["definition"], outcome.get("among")
    when = "by" if definition == "relapse" else "at"
    title = f"{OUTCOMES[definition]} {when} week {outcome['week']}"
    if among is None:
        return title
    return f"{title} ({SUB_COHORTS[among['definition']]} at week {among['week']})"


CI_METHODS = {
    "wald_z": "Wald",
    "rubin_t": "Wald (Rubin's rules)",
    "delta_wald_z": "Delta method",
    "delta_rubin_t": "Delta method (Rubin's rules)",
    "mover": "MOVER",
    "percentile": "Bootstrap percentile",
    "bca": "Bootstrap BCa",
    "boot_mi_vhb": "Bootstrap, then impute",
}
# Tests; their degrees of freedom are the tables' df1 and df2 columns (df2 NA for a χ² test).
TESTS = {
    "wald_chi2": "Wald χ²",
    "lr_chi2": "Likelihood-ratio χ²",
    "d1_f": "D1 Wald F",
    "d2_f": "D2 F",
    "d3_f": "D3 likelihood-ratio F",
}
# Beyond this the F test's denominator df is, for reading, infinite (χ²/df1).
LARGE_DF = 1e6

ANALYSES = {
    "primary": "Primary",
    "complete_case": "Complete cases",
    "completers": "Completers only",
    "response": "Response as outcome",
    "tertiles": "Tertile groups",
    "continuous": "Continuous biomarkers",
    "unadjusted": "Unadjusted",
    "paper_covariates": "Covariates chosen as in the paper",
    "lod_half": "Below-LOD IL-1β as LOD/2",
    "lod_exclude": "Below-LOD IL-1β excluded",
    "outliers_excluded": "Biomarker outliers excluded",
    "firth": "Firth-penalised",
    "by_treatment_step": "By treatment step",
    # config/examples/week52.yaml
    "remission_week52": "Remission at week 52",
    "relapse_after_response": "Relapse among week-12 responders",
    "sustained_response": "Response at week 52 among week-12 responders",
}

STAGES = {
    "enrolled": "Enrolled",
    "with_exposure_and_modifier": "Baseline exposure and modifier measured",
    "with_baseline_hamd": "Baseline HAMD-17 rating",
    "with_post_baseline_hamd": "≥ 1 HAMD-17 rating after baseline",
    "completers": "Rated at the outcome week",
    "exposure_above_lod": "Exposure above the limit of detection",
    "modifier_above_lod": "Modifier above the limit of detection",
    "without_outliers": "No log-biomarker outlier",
}

ESTIMANDS = {
    "exposure_or_modifier_low": "IL-1β OR at low BDNF",
    "exposure_or_modifier_high": "IL-1β OR at high BDNF",
    "ratio_of_odds_ratios": "Ratio of ORs (interaction)",
    "reri": "RERI (additive interaction)",
    "ic": "IC (risk-scale additive interaction)",
    "wald_test": "Wald test of the product term",
    "lr_test": "Likelihood-ratio test of the product term",
}

# The sensitivity analyses' choices (sensitivity.tsv's choice columns) and their coded values.
CHOICES = {
    "outcome": "Outcome",
    "coding": "Biomarker coding",
    "covariates": "Covariates",
    "missing_data": "Missing data",
    "below_lod": "IL-1β below LOD",
    "exclusions": "Exclusions",
    "estimator": "Estimator",
}
CHOICE_VALUES = {
    "split": "median split",
    "tertiles": "tertiles",
    "continuous": "continuous",
    "prespecified": "prespecified",
    "paper": "as in the paper",
    "unadjusted": "none",
    "complete_case": "complete cases",
    "lod_sqrt2": "LOD/√2",
    "lod_half": "LOD/2",
    "exclude": "excluded",
    "none": "none",
    "logistic": "maximum likelihood",
    "firth": "Firth-penalised",
}

# The line every figure caption (and the findings) shows when the input is the shipped cohort.
SYNTHETIC_TEXT = (
    "Synthetic data: these numbers come from the synthetic cohort the workflow ships "
    "(results/synthetic/), not from patients; not a clinical result."
)
# The same line in bold, for Markdown and reStructuredText (findings, figure captions).
SYNTHETIC_NOTE = f"**{SYNTHETIC_TEXT}**"

# Biomarker codings and their cut-points (cutpoints.tsv).
CODINGS = {
    "below_lod": "Below the limit of detection",
    "median": "Median split",
    "tertiles": "Tertiles",
    "continuous": "Continuous (BDNF standardised)",
}
CUTS = {
    "lod": "Limit of detection",
    "substitute": "Value given to results below it",
    "median": "Median",
    "tertile_1": "Upper limit of the bottom tertile",
    "tertile_2": "Upper limit of the middle tertile",
    "mean": "Mean",
    "sd": "Standard deviation",
}
# Direction of the IL-1β odds ratio in a Johnson–Neyman region (johnson_neyman.tsv).
DIRECTIONS = {"below_1": "below 1", "above_1": "above 1"}

LEVELS = {
    "low": "low",
    "high": "high",
    "T1": "bottom tertile",
    "T2": "middle tertile",
    "T3": "top tertile",
}

# The median groups of the paper tables (interplay.data.biomarkers.median_split: high = above it).
MEDIAN_GROUPS = {
    "low": "low (≤ median)",
    "high": "high (> median)",
}

# Headers and fixed words of the paper tables' report pages (interplay.report.paper_tables).
PAPER_TABLE_COLUMNS = {
    "analysis": "Analysis",
    "biomarker": "Biomarker",
    "group": "Group",
    "or_ci": "OR ({level} CI)",
    "reference": "1 (reference)",
    "crude": "Crude",
    "adjusted": "Adjusted",
    "stratum": "Stratum",
    "exposure": "Group",
    "stratum_model": "Stratum model",
    "product_model": "Product model",
    "interaction_p": "P for interaction",
    "stratum_difference": "Altman & Bland z test",
    "ci_by": "CI:",
    "bdnf_within": "BDNF within the IL-1β stratum,",
    "il1b_within": "IL-1β within the BDNF stratum,",
    "against": "against",
}

REGISTRY: dict[str, dict[str, str]] = {
    "variable": {code: label for code, (label, _unit) in VARIABLES.items()},
    "model": MODELS,
    "term": TERMS,
    "measure": MEASURES,
    "scale": SCALES,
    "outcome": OUTCOMES,
    "ci_method": CI_METHODS,
    "analysis": ANALYSES,
    "stage": STAGES,
    "estimand": ESTIMANDS,
    "coding": CODINGS,
    "cut": CUTS,
    "direction": DIRECTIONS,
}

GROUP = re.compile(r"^exposure_(?P<exposure>\w+?)_modifier_(?P<modifier>\w+)$")


def words(code: str) -> str:
    """A code without a label, as words: 'my_analysis' -> 'My analysis'."""
    return code.replace("_", " ").capitalize()


def label(kind: str, code: str) -> str:
    """The label of a code of one kind ('variable', 'model', 'term', ...)."""
    return REGISTRY[kind].get(code) or words(code)


def unit(variable: str) -> str:
    """The unit of an analysis dataset column ('' when it has none)."""
    return VARIABLES.get(variable, ("", ""))[1]


def variable_label(name: str, with_unit: bool = False) -> str:
    """'Age' or, with its unit, 'Age (years)'; a unit the label already names is not repeated
    ('Previous episodes', not 'Previous episodes (episodes)')."""
    text, variable_unit = label("variable", name), unit(name)
    named = variable_unit.lower().removesuffix("s") in text.lower()
    return f"{text} ({variable_unit})" if with_unit and variable_unit and not named else text


def group_label(group: str) -> str:
    """A joint biomarker group: 'exposure_high_modifier_low' -> 'IL-1β high, BDNF low'."""
    match = GROUP.match(group or "")
    if not match:
        return words(group) if group else ""
    levels = {name: LEVELS.get(level, level) for name, level in match.groupdict().items()}
    return f"IL-1β {levels['exposure']}, BDNF {levels['modifier']}"


def term_label(term: str) -> str:
    """A model term: an exposure or contrast from TERMS, else a covariate's variable label."""
    if term in TERMS:
        return TERMS[term]
    return variable_label(term)


def measure_label(measure: str) -> str:
    """An interaction measure; a standardised risk names its group."""
    if measure.startswith("risk_"):
        return f"Standardised risk, {group_label(measure.removeprefix('risk_'))}"
    return label("measure", measure)


def ci_method_label(method: str, df1: object = None, df2: object = None) -> str:
    """An interval method or test: 'rubin_t' -> "Wald (Rubin's rules)"; a test with its degrees
    of freedom: ('d1_f', 1, 1067.24) -> 'D1 Wald F (1, 1067.2 df)'."""
    if not isinstance(method, str) or not method:
        return ""
    if method not in TESTS:
        return label("ci_method", method)
    shown = [f"{df1:g}"] if pd.notna(df1) else []
    if pd.notna(df2):
        shown.append("∞" if float(df2) > LARGE_DF else f"{float(df2):.1f}")
    return f"{TESTS[method]} ({', '.join(shown)} df)" if shown else TESTS[method]


def analysis_label(name: str) -> str:
    """A configured analysis by its label; an analysis the user added by its name in words."""
    return label("analysis", name)


def stage_label(stage: str) -> str:
    """A stage of the participant flow."""
    return label("stage", stage)


def stratum_label(stratum: str) -> str:
    """A stratum of an analysis: 'all' -> 'All patients', 'treatment_step=2' -> 'Treatment step
    reached by week 12: 2'; other text (such as 'not run: ...') as it is."""
    if stratum == WHOLE_SAMPLE:
        return "All patients"
    variable, separator, value = str(stratum).partition("=")
    return f"{variable_label(variable)}: {value}" if separator else str(stratum)


def item_label(items: list[str], item: str) -> str:
    """A report item's label numbered by its place in its section's reading order ('1 Participant
    flow'); the report sorts items by label as text, so the numbers are zero-padded to one width
    and an unlisted item comes last."""
    position = items.index(item) + 1 if item in items else len(items) + 1
    return f"{position:0{len(str(len(items) + 1))}d} {item}"


def codes_with_labels() -> set[str]:
    """The labelled codes no label contains: those with an underscore or a separator ('rubin_t',
    'exposure_high|modifier_low'), which the report's browser test looks for on every page."""
    codes = {code for table in REGISTRY.values() for code in table}
    return {code for code in codes if re.search(r"[_|:]", code)}
