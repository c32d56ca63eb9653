"""The one registry of what a person reads in place of a code: variables, models, terms, measures,
interval methods, analyses, flow stages and estimands, each with its label (and a variable's unit).

The TSV tables keep the codes (documented in the README); the report pages, the paper tables, the
findings, the methods paragraph and the figures show these labels. A code without an entry is shown
with its underscores as spaces, so a new analysis or covariate still reads as words. Codes naming
the pair (exposure_high, stratum_modifier_low, exposure_or_modifier_low, ...) take their words from
the analysis's Pair (pair_terms, pair_models, ...); the static tables hold the pair-free codes.
"""

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from interplay.pair import EXPOSURE, LEVEL_CODES, MODIFIER, Pair, Variable
from interplay.tables import WHOLE_SAMPLE

# Dataset columns of resources/data_dictionary.tsv: (label, unit), the units the dictionary's (the
# serum markers too: either may be a covariate of another pair). The pair's own columns (exposure,
# exposure_high, ...) are labelled from the Pair (pair_variables).
VARIABLES: dict[str, tuple[str, str]] = {
    "outcome": ("Outcome", ""),
    "remission": ("Remission", ""),
    "response": ("Response", ""),
    "il1b": ("IL-1β", "pg/mL"),
    "bdnf": ("BDNF", "ng/mL"),
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

FIXED_MODELS = {
    "product_lincom": "Within-stratum ORs from the product model",
    "joint_lincom": "Tertile contrasts from the joint model",
}
FIXED_TERMS = {"intercept": "Intercept"}


def per_words(variable: Variable) -> str:
    """One unit of a variable's continuous-model column: 'per doubling', 'per SD', 'per 1 mg'."""
    return variable.scale_words.removesuffix(f" of {variable.label}")


def scaled_name(variable: Variable) -> str:
    """A variable on its continuous-model scale: 'log2 IL-1β', 'BDNF per SD', 'HADS anxiety'."""
    if variable.transform == "log2":
        return f"log2 {variable.label}"
    return f"{variable.label} per SD" if variable.transform == "per_sd" else variable.label


def level_words(variable: Variable, code: str) -> str:
    """A two-group level of a variable as a stratum: 'low BDNF' (median split), 'HADS anxiety
    ≥ 12' (threshold), 'Smoker yes' (binary)."""
    if variable.split == "median":
        return f"{code} {variable.label}"
    return variable.group(code)


def pair_variables(pair: Pair) -> dict[str, tuple[str, str]]:
    """The pair's dataset columns (exposure, exposure_scaled, exposure_high, ...) and each
    variable's own column (il6) and below-LOD flag (il6_below_lod): (label, unit)."""
    labels = {}
    for role in (EXPOSURE, MODIFIER):
        variable = pair.variable(role)
        labels[role] = labels[variable.column] = (variable.label, variable.unit)
        if variable.is_assay:
            labels[f"{variable.column}_below_lod"] = (
                f"{variable.label} below the limit of detection",
                "",
            )
        logged = f"log2 {variable.label}" if variable.transform == "log2" else variable.label
        labels[f"{role}_scaled"] = (logged, per_words(variable))
        labels[f"{role}_high"] = (
            f"{variable.label} above its median"
            if variable.split == "median"
            else variable.group(LEVEL_CODES[1]),
            "",
        )
        labels[f"{role}_tertile"] = (f"{variable.label} tertile", "")
    return labels


def pair_models(pair: Pair) -> dict[str, str]:
    """The models of the design in the pair's words ('IL-1β within low BDNF')."""
    exposure, modifier = pair
    models = {
        "exposure": f"{exposure.label}, adjusted",
        "modifier": f"{modifier.label}, adjusted",
        "main_effects": f"{exposure.label} and {modifier.label}",
        "product": f"{pair.title} product term",
        "continuous": f"{scaled_name(exposure)} × {scaled_name(modifier)}",
    }
    for within, other in ((modifier, exposure), (exposure, modifier)):
        for code in LEVEL_CODES.values():
            models[f"stratum_{within.role}_{code}"] = (
                f"{other.label} within {level_words(within, code)}"
            )
    return models | FIXED_MODELS


def pair_terms(pair: Pair) -> dict[str, str]:
    """Exposure, product and contrast terms in the pair's words ('IL-1β high vs low')."""
    exposure, modifier = pair
    e_high, m_high = (variable.levels[1] for variable in pair)
    terms = {
        "exposure_high": exposure.contrast,
        "modifier_high": modifier.contrast,
        "exposure_high:modifier_high": (
            f"{exposure.label} {e_high} × {modifier.label} {m_high} (ratio of ORs)"
        ),
        "exposure_scaled": f"{exposure.label}, {per_words(exposure)}",
        "modifier_scaled": f"{modifier.label}, {per_words(modifier)}",
        "exposure_scaled:modifier_scaled": (
            f"{exposure.label} {per_words(exposure)} × {modifier.label} {per_words(modifier)}"
        ),
    }
    for of, within in ((exposure, modifier), (modifier, exposure)):
        for code in LEVEL_CODES.values():
            terms[f"{of.role}_high|{within.role}_{code}"] = (
                f"{of.contrast}, within {level_words(within, code)}"
            )
    for tertile, place in (("T1", "bottom"), ("T3", "top")):
        terms[f"exposure_T3|modifier_{tertile}"] = (
            f"{exposure.label} top vs bottom tertile, within the {place} {modifier.label} tertile"
        )
    terms["exposure_T3:modifier_T3"] = (
        f"{exposure.label} top × {modifier.label} top tertile (ratio of ORs)"
    )
    return terms | FIXED_TERMS


# Knol & VanderWeele (2012) measures (interplay.interaction.measures); risk_<group> added below.
FIXED_MEASURES = {
    "ratio_of_odds_ratios": "Ratio of odds ratios",
    "wald_test": "Wald test of the product term",
    "lr_test": "Likelihood-ratio test of the product term",
    "or_11": "OR, both changed (OR11)",
    "reri": "RERI (relative excess risk due to interaction)",
    "ap": "Attributable proportion due to interaction (AP)",
    "s": "Synergy index (S)",
    "ic": "Interaction contrast on the risk scale (IC)",
    "reri_rr": "RERI on the risk scale (RERI_RR)",
    "ap_rr": "Attributable proportion (risks)",
    "s_rr": "Synergy index (risks)",
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
    "delta_marginal_wald_z": "Delta method, over the covariate distribution",
    "delta_marginal_rubin_t": "Delta method, over the covariate distribution (Rubin's rules)",
    "mover": "MOVER",
    "percentile": "Bootstrap percentile",
    "bca": "Bootstrap BCa",
    "boot_mi_vhb": "Bootstrap, then impute",
}
# How a p-value was obtained where it is not the interval's own test (p_value_method).
P_VALUE_METHODS = {
    "mover_inversion": "by inverting the MOVER interval",
    "percentile_inversion": "by inverting the bootstrap percentile interval",
    "bca_inversion": "by inverting the bootstrap BCa interval",
    "boot_mi_t": "by a t test (bootstrap, then impute)",
    "not_defined": "not defined",
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
    "continuous": "Continuous models",
    "unadjusted": "Unadjusted",
    "paper_covariates": "Covariates chosen as in the paper",
    "lod_half": "Below-LOD values as LOD/2",
    "lod_exclude": "Below-LOD values excluded",
    "outliers_excluded": "Outliers excluded",
    "firth": "Firth-penalised",
    "by_treatment_step": "By treatment step",
    # config/examples/week52.yaml
    "remission_week52": "Remission at week 52",
    "relapse_after_response": "Relapse among week-12 responders",
    "sustained_response": "Response at week 52 among week-12 responders",
}

FIXED_STAGES = {
    "enrolled": "Enrolled",
    "with_exposure_and_modifier": "Baseline exposure and modifier measured",
    "with_baseline_hamd": "Baseline HAMD-17 rating",
    "with_post_baseline_hamd": "≥ 1 HAMD-17 rating after baseline",
    "completers": "Rated at the outcome week",
    "exposure_above_lod": "Exposure above the limit of detection",
    "modifier_above_lod": "Modifier above the limit of detection",
    "without_outliers": "No log-biomarker outlier",
}

FIXED_ESTIMANDS = {
    "ratio_of_odds_ratios": "Ratio of ORs (interaction)",
    "reri": "RERI (additive interaction)",
    "ic": "IC (risk-scale additive interaction)",
    # sensitivity.tsv's row of the IC (the findings' `ic`), with its E-values (Mathur et al. 2022).
    "interaction_contrast": "IC (risk-scale additive interaction)",
    "wald_test": "Wald test of the product term",
    "lr_test": "Likelihood-ratio test of the product term",
}

# The sensitivity analyses' choices (sensitivity.tsv's choice columns) and their coded values.
CHOICES = {
    "pair": "Pair",
    "outcome": "Outcome",
    "coding": "Coding of the pair",
    "covariates": "Covariates",
    "missing_data": "Missing data",
    "below_lod": "Values below the LOD",
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
    "continuous": "Continuous (standardised)",
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
# Direction of the exposure's odds ratio in a Johnson–Neyman region (johnson_neyman.tsv).
DIRECTIONS = {"below_1": "below 1", "above_1": "above 1"}
# Johnson–Neyman critical values (johnson_neyman.tsv method): {level} the confidence level and
# {error} one minus it, in percent.
JOHNSON_NEYMAN_METHODS = {
    "pointwise": "pointwise {level}",
    "scheffe": "simultaneous {level} (Scheffé)",
    "sup_t": "simultaneous {level} (sup-t)",
    "esarey_sumner": "false discovery rate {error}",
}

LEVELS = {
    "low": "low",
    "high": "high",
    "T1": "bottom tertile",
    "T2": "middle tertile",
    "T3": "top tertile",
}

# The two groups of a median split in the paper tables (interplay.data.biomarkers.median_split:
# high = above the median); a threshold or binary split shows its own levels (Variable.levels).
MEDIAN_GROUPS = {
    "low": "low (≤ median)",
    "high": "high (> median)",
}

# Headers and fixed words of the paper tables' report pages (interplay.report.paper_tables).
PAPER_TABLE_COLUMNS = {
    "analysis": "Analysis",
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
    "against": "against",
}

GROUP = re.compile(r"^exposure_(?P<exposure>\w+?)_modifier_(?P<modifier>\w+)$")


def pair_noun(pair: Pair) -> str:
    """What the two variables are, in a sentence: 'biomarker' when both are, else 'variable'."""
    return "biomarker" if all(variable.kind == "biomarker" for variable in pair) else "variable"


def split_group(variable: Variable, code: str) -> str:
    """A two-group level of the paper tables: 'high (> median)', '≥ 12', 'yes'."""
    if variable.split == "median":
        return MEDIAN_GROUPS[code]
    return variable.levels[code == LEVEL_CODES[1]]


def pair_measures(pair: Pair) -> dict[str, str]:
    """The interaction measures, the single-change ORs in the pair's words."""
    exposure, modifier = pair
    return FIXED_MEASURES | {
        "or_10": f"OR, {exposure.label} changed alone (OR10)",
        "or_01": f"OR, {modifier.label} changed alone (OR01)",
    }


def pair_estimands(pair: Pair) -> dict[str, str]:
    """The headline estimands (findings, sensitivity), the stratum ORs in the pair's words."""
    exposure, modifier = pair
    return {
        f"exposure_or_modifier_{code}": f"{exposure.label} OR at {level_words(modifier, code)}"
        for code in LEVEL_CODES.values()
    } | FIXED_ESTIMANDS


def pair_stages(pair: Pair) -> dict[str, str]:
    """The participant-flow stages naming the pair's variables."""
    serum = "serum " if pair_noun(pair) == "biomarker" else ""
    stages = {
        "with_exposure_and_modifier": (
            f"Baseline {serum}{pair.exposure.label} and {pair.modifier.label} measured"
        )
    }
    for variable in pair:
        if variable.is_assay:
            stages[f"{variable.role}_above_lod"] = f"{variable.label} above the limit of detection"
    return FIXED_STAGES | stages


def pair_registry(pair: Pair) -> dict[str, dict[str, str]]:
    """Every kind's labels, the pair's codes in its words."""
    return {
        "variable": {
            code: text for code, (text, _unit) in (VARIABLES | pair_variables(pair)).items()
        },
        "model": pair_models(pair),
        "term": pair_terms(pair),
        "measure": pair_measures(pair),
        "scale": SCALES,
        "outcome": OUTCOMES,
        "ci_method": CI_METHODS,
        "analysis": ANALYSES,
        "stage": pair_stages(pair),
        "estimand": pair_estimands(pair),
        "coding": CODINGS,
        "cut": CUTS,
        "direction": DIRECTIONS,
    }


# Callers without an analysis's pair see the roles' own words ('Exposure high vs low').
ROLE_PAIR = Pair(
    *(
        Variable(role, role, role.capitalize(), "", "biomarker", "none", "median")
        for role in (EXPOSURE, MODIFIER)
    )
)
REGISTRY = pair_registry(ROLE_PAIR)
MODELS, TERMS, MEASURES = REGISTRY["model"], REGISTRY["term"], REGISTRY["measure"]
STAGES, ESTIMANDS = REGISTRY["stage"], REGISTRY["estimand"]


def words(code: str) -> str:
    """A code without a label, as words: 'my_analysis' -> 'My analysis'."""
    return code.replace("_", " ").capitalize()


def label(kind: str, code: str, pair: Pair = ROLE_PAIR) -> str:
    """The label of a code of one kind ('variable', 'model', 'term', ...); codes naming the pair
    in the words of the analysis's Pair (without one: the roles' words)."""
    return pair_registry(pair)[kind].get(code) or words(code)


def johnson_neyman_method(method: str, ci_level: float | None = None) -> str:
    """A Johnson–Neyman method in words, at a confidence level ('simultaneous 95% (sup-t)') or
    without one ('simultaneous (sup-t)')."""
    if ci_level is None:
        return " ".join(JOHNSON_NEYMAN_METHODS[method].format(level="", error="").split())
    percent = {"level": f"{ci_level:.0%}", "error": f"{1 - ci_level:.0%}"}
    return JOHNSON_NEYMAN_METHODS[method].format(**percent)


def unit(variable: str, pair: Pair = ROLE_PAIR) -> str:
    """The unit of an analysis dataset column ('' when it has none)."""
    return (VARIABLES | pair_variables(pair)).get(variable, ("", ""))[1]


def variable_label(name: str, with_unit: bool = False, pair: Pair = ROLE_PAIR) -> str:
    """'Age' or, with its unit, 'Age (years)'; a unit the label already names is not repeated
    ('Previous episodes', not 'Previous episodes (episodes)'). The pair's columns need its Pair."""
    text, variable_unit = label("variable", name, pair), unit(name, pair)
    named = variable_unit.lower().removesuffix("s") in text.lower()
    return f"{text} ({variable_unit})" if with_unit and variable_unit and not named else text


def model_label(model: str, pair: Pair = ROLE_PAIR) -> str:
    """A model of the design in the pair's words: 'stratum_modifier_low' -> 'IL-1β within low
    BDNF'."""
    return label("model", model, pair)


def estimand_label(estimand: str, pair: Pair = ROLE_PAIR) -> str:
    """A headline estimand: 'exposure_or_modifier_low' -> 'IL-1β OR at low BDNF'."""
    return label("estimand", estimand, pair)


def group_label(group: str, pair: Pair = ROLE_PAIR) -> str:
    """A joint group: 'exposure_high_modifier_low' -> 'IL-1β high, BDNF low'; tertiles as
    'IL-1β top tertile'; a threshold split by its levels ('HADS anxiety ≥ 12')."""
    match = GROUP.match(group or "")
    if not match:
        return words(group) if group else ""
    return ", ".join(
        pair.variable(role).group(code)
        if code in LEVEL_CODES.values()
        else f"{pair.variable(role).label} {LEVELS.get(code, code)}"
        for role, code in match.groupdict().items()
    )


def term_label(term: str, pair: Pair = ROLE_PAIR) -> str:
    """A model term: an exposure or contrast of the pair, else a covariate's variable label."""
    return pair_terms(pair).get(term) or variable_label(term)


def measure_label(measure: str, pair: Pair = ROLE_PAIR) -> str:
    """An interaction measure; a standardised risk names its group."""
    if measure.startswith("risk_"):
        return f"Standardised risk, {group_label(measure.removeprefix('risk_'), pair)}"
    return label("measure", measure, pair)


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


def stage_label(stage: str, pair: Pair = ROLE_PAIR) -> str:
    """A stage of the participant flow."""
    return label("stage", stage, pair)


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


def codes_with_labels(pair: Pair = ROLE_PAIR) -> set[str]:
    """The labelled codes no label contains: those with an underscore or a separator ('rubin_t',
    'exposure_high|modifier_low'), which the report's browser test looks for on every page."""
    codes = {code for table in pair_registry(pair).values() for code in table}
    return {code for code in codes if re.search(r"[_|:]", code)}
