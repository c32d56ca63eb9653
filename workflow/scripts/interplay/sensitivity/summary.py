"""The key estimates of every analysis side by side, with E-values (docs/analysis_plan.md §8)."""

import copy
import dataclasses
import logging
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from interplay import privacy
from interplay.analysis.stratified import was_run
from interplay.data.biomarkers import log_outlier_variables
from interplay.jobs.config_checks import PRIMARY
from interplay.labels import SUB_COHORTS
from interplay.models.logistic import MODEL_BASED_METHODS as MODEL_BASED
from interplay.models.logistic import OK
from interplay.pair import Pair, Variable, pair_from_settings, pair_name
from interplay.sensitivity.evalue import (
    Stratum,
    evalue_additive_interaction,
    evalue_multiplicative_interaction,
    evalue_odds_ratio,
    evalue_of_shown_limit,
    is_common,
)
from interplay.tables import read_table

log = logging.getLogger(__name__)

SENSITIVITY_ESTIMANDS = [
    "exposure_or_modifier_low",
    "exposure_or_modifier_high",
    "ratio_of_odds_ratios",
    "reri",
]
# Where each estimand comes from, per pair coding: (table, model, term), or for slopes (table,
# column, value). For the continuous coding, a low and a high modifier are its 25th and 75th
# percentiles (the medians of the two halves); a binary modifier's are 0 and 1 (sources).
SOURCES: dict[str, dict[str, tuple[str, Any, Any]]] = {
    "split": {
        "exposure_or_modifier_low": ("models", "product_lincom", "exposure_high|modifier_low"),
        "exposure_or_modifier_high": ("models", "product_lincom", "exposure_high|modifier_high"),
        "ratio_of_odds_ratios": ("models", "product", "exposure_high:modifier_high"),
        "reri": ("interaction", "reri", "delta"),
        "interaction_contrast": ("interaction", "ic", "delta"),
    },
    "tertiles": {
        "exposure_or_modifier_low": ("models", "joint_lincom", "exposure_T3|modifier_T1"),
        "exposure_or_modifier_high": ("models", "joint_lincom", "exposure_T3|modifier_T3"),
        "ratio_of_odds_ratios": ("models", "joint_lincom", "exposure_T3:modifier_T3"),
    },
    "continuous": {
        "exposure_or_modifier_low": ("slopes", "percentile", 25.0),
        "exposure_or_modifier_high": ("slopes", "percentile", 75.0),
        "ratio_of_odds_ratios": ("models", "continuous", "exposure_scaled:modifier_scaled"),
    },
}
SENSITIVITY_COLUMNS = [
    "analysis", "pair", "stratum", "estimand", "contrast", "estimate", "ci_low", "ci_high",
    "ci_method", "p_value", "n", "n_events", "evalue", "evalue_ci", "evalue_method",
    "evalue_assumption", "outcome", "coding", "covariates", "missing_data", "below_lod",
    "exclusions", "estimator", "status",
]  # fmt: skip
# How each estimand's E-values are computed (evalue_method); single odds ratios: VanderWeele & Ding.
EVALUE_METHODS = {
    "ratio_of_odds_ratios": "mathur_2022_multiplicative",
    "interaction_contrast": "mathur_2022_additive",
}
SINGLE_RATIO_METHOD = "vanderweele_ding"
# Mathur et al. 2022 (EValue's default): the confounding may bias the strata in opposite directions.
INTERACTION_ASSUMPTION = "potentially_multidirectional"


def model_based_estimate(tables: Mapping[str, pd.DataFrame], model: str, term: str) -> pd.Series:
    """The model-based (Wald or Rubin) row of one coefficient or linear combination."""
    table = tables["models"]
    rows = table[
        (table["model"] == model) & (table["term"] == term) & table["ci_method"].isin(MODEL_BASED)
    ]
    return rows.iloc[0]


def source_row(tables: Mapping[str, pd.DataFrame], source: tuple[str, Any, Any]) -> pd.Series:
    """The row an estimand is read from, with odds_ratio / ci_low / ci_high / p_value."""
    table_name, key, detail = source
    if table_name == "models":
        return model_based_estimate(tables, key, detail)
    if table_name == "slopes":
        slopes = tables["slopes"]
        return slopes[(slopes[key] == detail) & slopes["ci_method"].isin(MODEL_BASED)].iloc[0]
    interaction = tables["interaction"]
    rows = interaction[
        (interaction["measure"] == key) & interaction["ci_method"].str.startswith(detail)
    ]
    return rows.iloc[0].rename({"estimate": "odds_ratio"})


def sources(coding: str, pair: Pair) -> dict[str, tuple[str, Any, Any]]:
    """SOURCES of a coding for the pair (a binary modifier's slopes at 0 and 1)."""
    if coding == "continuous" and pair.modifier.is_binary:
        return {
            **SOURCES[coding],
            "exposure_or_modifier_low": ("slopes", "modifier", 0.0),
            "exposure_or_modifier_high": ("slopes", "modifier", 1.0),
        }
    return SOURCES[coding]


def coding_words(variable: Variable, coding: str) -> str:
    """How a pair coding compares a variable: '≥ 12 vs < 12 points', 'per doubling of IL-6'."""
    if coding == "tertiles":
        return "top vs bottom tertile"
    if coding == "continuous":
        return variable.scale_words
    if variable.split == "median":
        return "above vs at or below median"
    low, high = variable.levels
    unit = f" {variable.unit}" if variable.split == "threshold" and variable.unit else ""
    return f"{high} vs {low}{unit}"


def coding_contrast(coding: str, pair: Pair) -> str:
    """The exposure contrast of a coding in the pair's words, e.g. 'IL-1β above vs at or below
    median', 'HADS anxiety ≥ 12 vs < 12 points', 'per doubling of IL-1β (ratio: per SD of BDNF)'."""
    exposure, modifier = pair
    if coding == "continuous":
        ratio = modifier.contrast if modifier.is_binary else modifier.scale_words
        return f"{exposure.scale_words} (ratio: {ratio})"
    return f"{exposure.label} {coding_words(exposure, coding)}"


def contrast(coding: str, pair: Pair, found: pd.Series) -> str:
    """What the estimate compares; additive measures name their outcome and reference cell."""
    words = coding_contrast(coding, pair)
    if "reference_group" in found:
        return f"{words}; {found['outcome']}, reference {found['reference_group']}"
    return words


def choices(settings: Mapping[str, Any]) -> dict[str, str]:
    """The analysis choices in words, for the specification curve."""
    outcome, pair_settings = settings["outcome"], settings["pair"]
    missing = settings["missing_data"]
    definition = {
        "remission": f"remission (HAMD ≤ {outcome['remission_threshold']:g})",
        "response": f"response (≥ {outcome['response_reduction']:.0%} reduction)",
        "relapse": f"relapse (HAMD ≥ {outcome['relapse_threshold']:g})",
    }[outcome["definition"]]
    among = outcome.get("among")
    if among is not None:
        definition += f" among {SUB_COHORTS[among['definition']]} at week {among['week']}"
    pair = pair_from_settings(settings)
    return {
        "pair": pair_name(pair),
        "outcome": f"{definition}, {outcome['missing_rule']}, week {outcome['week']}",
        "coding": pair_settings["coding"],
        "covariates": settings["covariates"]["adjustment_set"],
        "missing_data": (
            f"mice (m = {missing['m']})" if missing["method"] == "mice" else missing["method"]
        ),
        "below_lod": pair_settings["below_lod"],
        "exclusions": exclusions_words(pair, pair_settings["outlier_z"]),
        "estimator": settings["models"]["estimator"],
    }


def exclusions_words(pair: Pair, outlier_z: float | None) -> str:
    """pair.outlier_z in words, naming the variables screened (log_outlier_variables), e.g.
    '|z| of log IL-1β or log BDNF > 3'; 'none' without a limit or a variable to screen."""
    screened = log_outlier_variables(pair)
    if outlier_z is None or not screened:
        return "none"
    logs = " or ".join(f"log {variable.label}" for variable in screened)
    return f"|z| of {logs} > {outlier_z:g}"


def without_idle_choices(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The settings with the pair choices that change nothing for its pair set to None:
    below_lod when neither variable has a limit of detection, outlier_z when neither is screened."""
    effective = copy.deepcopy(dict(settings))
    pair = pair_from_settings(settings)
    if not any(variable.is_assay for variable in pair):
        effective["pair"]["below_lod"] = None
    if not log_outlier_variables(pair):
        effective["pair"]["outlier_z"] = None
    return effective


def distinct_analyses(settings: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The analyses but those whose choices are the primary's once idle ones are set aside (e.g.
    lod_half for a pair without a limit of detection: a copy of the primary), each logged."""
    if PRIMARY not in settings:
        return list(settings)
    primary = without_idle_choices(settings[PRIMARY])
    kept = []
    for name in settings:
        if name != PRIMARY and without_idle_choices(settings[name]) == primary:
            log.warning(
                "sensitivity.tsv leaves out analysis %s: for the pair %s its choices change "
                "nothing (pair.below_lod without a limit of detection, pair.outlier_z without a "
                "biomarker), so it repeats the primary analysis",
                name,
                pair_name(pair_from_settings(settings[name])),
            )
        else:
            kept.append(name)
    return kept


def modifier_strata(tables: Mapping[str, pd.DataFrame]) -> tuple[Stratum, Stratum]:
    """The high and low modifier strata of the split coding: the standardised risks of the
    interaction table (delta rows, the outcome its `ic` describes) and the joint table's counts."""
    interaction = tables["interaction"]
    model_based = interaction[interaction["ci_method"].str.startswith("delta")]
    risks = model_based.set_index("measure")["estimate"]
    counts = tables["joint"].drop_duplicates(["exposure_level", "modifier_level"])
    n = counts.set_index(["exposure_level", "modifier_level"])["n"]
    return tuple(
        Stratum(
            risks[f"risk_exposure_high_modifier_{level}"],
            risks[f"risk_exposure_low_modifier_{level}"],
            int(n[("high", level)]),
            int(n[("low", level)]),
        )
        for level in ("high", "low")
    )


def shown_lower_distance(row: Mapping[str, Any]) -> float:
    """How far the interval's limit nearest 0 lies from the estimate on the side of 0 (the
    distance below the IC once coded positive, as evalue_of_shown_limit takes it)."""
    if row["estimate"] >= 0.0:
        return row["estimate"] - row["ci_low"]
    return row["ci_high"] - row["estimate"]


def with_evalues(
    row: dict[str, Any], common_outcome: bool, tables: Mapping[str, pd.DataFrame], ci_level: float
) -> dict[str, Any]:
    """Add E-values of an odds ratio, a ratio of odds ratios or an interaction contrast, with how
    they were computed (none for RERI or a failed fit)."""
    estimand = row["estimand"]
    if estimand == "reri" or row["status"] != OK or not np.isfinite(row["estimate"]):
        return {**row, "evalue": np.nan, "evalue_ci": np.nan}
    if estimand == "interaction_contrast":
        strata = modifier_strata(tables)
        if not all(stratum.is_bounded for stratum in strata):
            log.warning(
                "analysis %s, stratum %s: no E-values for the IC, a joint cell is empty or has a "
                "risk of 0 or 1 (%s)",
                row["analysis"],
                row["stratum"],
                strata,
            )
            return {**row, "evalue": np.nan, "evalue_ci": np.nan}
        # The limit E-valued is that of the interval shown (covariate-adjusted, pooled), not
        # EValue's from binomial variances of the cell counts (docs/evalues.md).
        result = dataclasses.replace(
            evalue_additive_interaction(*strata, ci_level),
            evalue_limit=evalue_of_shown_limit(*strata, shown_lower_distance(row)),
        )
    elif estimand == "ratio_of_odds_ratios":
        result = evalue_multiplicative_interaction(
            row["estimate"], row["ci_low"], row["ci_high"], common_outcome=common_outcome
        )
    else:
        result = evalue_odds_ratio(
            row["estimate"], row["ci_low"], row["ci_high"], common_outcome=common_outcome
        )
    return {
        **row,
        "evalue": result.evalue,
        "evalue_ci": result.evalue_limit,
        "evalue_method": EVALUE_METHODS.get(estimand, SINGLE_RATIO_METHOD),
        "evalue_assumption": INTERACTION_ASSUMPTION if estimand in EVALUE_METHODS else np.nan,
    }


def key_estimates(
    analysis: str, settings: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]
) -> pd.DataFrame:
    """One row per key estimand of one analysis (or stratum): choices, E-values, fit status."""
    coding = settings["pair"]["coding"]
    pair = pair_from_settings(settings)
    product = model_based_estimate(tables, "product", "exposure_high:modifier_high")
    common = is_common(product["n_events"] / product["n"])
    rows = []
    for estimand, source in sources(coding, pair).items():
        found = source_row(tables, source)
        row = {
            "analysis": analysis,
            "stratum": product["stratum"],
            "estimand": estimand,
            "contrast": contrast(coding, pair, found),
            "estimate": found["odds_ratio"],
            "ci_low": found["ci_low"],
            "ci_high": found["ci_high"],
            "ci_method": found["ci_method"],
            "p_value": found["p_value"],
            "n": product["n"],
            "n_events": product["n_events"],
            **choices(settings),
            "status": found["status"],
        }
        rows.append(with_evalues(row, common, tables, settings["models"]["ci_level"]))
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)


def strata(tables: Mapping[str, pd.DataFrame]) -> dict[str, dict[str, pd.DataFrame]]:
    """An analysis's tables split by their `stratum` column, in order of appearance."""
    levels = tables["models"]["stratum"].unique()
    return {
        level: {name: table[table["stratum"] == level] for name, table in tables.items()}
        for level in levels
    }


def sensitivity_table(
    settings: Mapping[str, Mapping[str, Any]], tables: Mapping[str, Mapping[str, pd.DataFrame]]
) -> pd.DataFrame:
    """Key estimates of every analysis and stratum (for one not run, a row saying why), but for
    analyses that repeat the primary (distinct_analyses)."""
    parts = [
        key_estimates(name, settings[name], stratum_tables)
        if was_run(stratum_tables["models"])
        else not_run_row(name, settings[name], stratum)
        for name in distinct_analyses(settings)
        for stratum, stratum_tables in strata(tables[name]).items()
    ]
    return pd.concat(parts, ignore_index=True)


def not_run_row(analysis: str, settings: Mapping[str, Any], stratum: str) -> pd.DataFrame:
    """The row of an analysis that was not run: its choices, and in `stratum` why."""
    row = {"analysis": analysis, "stratum": stratum, **choices(settings)}
    return pd.DataFrame([row], columns=SENSITIVITY_COLUMNS)


# The per-analysis tables a summary reads, by input name: {table: Snakemake input stem}.
SUMMARY_SOURCES = {
    "models": "model_based_models",
    "interaction": "interaction",
    "slopes": "slopes",
    "joint": "model_based_joint",
}


def summary_inputs(
    inputs: Mapping[str, str], analyses: Iterable[str]
) -> tuple[dict[str, dict[str, pd.DataFrame]], dict[str, tuple[pd.DataFrame, str]]]:
    """What the sensitivity and pairs summaries read of each analysis: its model-based models,
    interaction, slopes and joint-cell tables (inputs '<analysis>/<stem>'), and its protected
    models table with that file's path (for the cells the summary must hide in turn)."""
    tables = {
        analysis: {
            table: read_table(inputs[f"{analysis}/{stem}"])
            for table, stem in SUMMARY_SOURCES.items()
        }
        for analysis in analyses
    }
    protected = {
        analysis: (read_table(inputs[f"{analysis}/models"]), inputs[f"{analysis}/models"])
        for analysis in analyses
    }
    return tables, protected


def protected_sensitivity(
    table: pd.DataFrame,
    protected_models: Mapping[str, tuple[pd.DataFrame, str]],
    min_count: int | None,
    name: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table with n and n_events hidden where each analysis's protected models table (and its
    name) hides those of the product model, which the table repeats, and the log of what was.

    E-values are computed from the counts before (sensitivity_table); without a minimum (None)
    the table is returned unchanged and the log is empty.
    """
    if min_count is None:
        return table, pd.DataFrame(columns=privacy.LOG_COLUMNS)
    protected = table.copy()
    flagged = pd.Series(False, index=table.index)
    rows = []
    for analysis, (models, source) in protected_models.items():
        product = models[models["model"] == "product"].drop_duplicates("stratum")
        for stratum, n, n_events in product[["stratum", "n", "n_events"]].itertuples(index=False):
            in_row = (table["analysis"] == analysis) & (table["stratum"] == stratum)
            for column, value in (("n", n), ("n_events", n_events)):
                if pd.isna(value) and table.loc[in_row, column].notna().any():
                    protected[column] = protected[column].mask(in_row)
                    flagged |= in_row
                    row = f"analysis = {analysis}, stratum = {stratum}"
                    rows.append((row, column, f"complementary: suppressed in {source}"))
    protected[privacy.SUPPRESSED_COLUMN] = flagged
    log = pd.DataFrame(rows, columns=privacy.LOG_COLUMNS[1:])
    return protected, log.assign(table=name)[privacy.LOG_COLUMNS]
