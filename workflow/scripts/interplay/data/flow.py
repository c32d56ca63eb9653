"""From the ingested tables to the analysis dataset, its participant flow and cut-points."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from interplay.columns import BASELINE_COLUMNS, BASELINE_COVARIATES
from interplay.data.biomarkers import (
    CODING_COLUMNS,
    add_codings,
    below_lod,
    cutpoints,
    has_exposure_and_modifier,
    log_outlier_variables,
    log_outliers,
    require_codable,
    require_groups,
    require_varying_pair,
    substitute_below_lod,
    value_columns,
)
from interplay.data.convert import BELOW_LOD_SUFFIX, LOD_SUFFIX
from interplay.data.outcome import OUTCOME_COLUMNS, derive_outcome, sub_cohort
from interplay.errors import InputError, require_columns
from interplay.labels import SUB_COHORTS
from interplay.pair import Pair, pair_from_settings

OPTIONAL_BASELINE = ["living_alone", "religious", "treatment_step"]
# The columns of results/data/analysis_dataset.csv before the pair's (BRIEF "Analysis dataset").
LEADING_COLUMNS = ["patient_id", *BASELINE_COVARIATES, "treatment_step", *OUTCOME_COLUMNS]
FLOW_COLUMNS = ["stage", "n", "excluded", "reason"]
EXCLUSION_COLUMNS = ["patient_id", "stage", "reason"]
SUB_COHORT_COLUMN = "in_sub_cohort"  # outcome.among's earlier outcome; not in the dataset


@dataclass(frozen=True)
class AnalysisData:
    """The analysis dataset, its participant flow (STROBE 13), who left it, and cut-points."""

    dataset: pd.DataFrame
    flow: pd.DataFrame
    exclusions: pd.DataFrame
    cutpoints: pd.DataFrame


@dataclass(frozen=True)
class Stage:
    """One flow step: who stays (a function of the sample so far) and why the others leave."""

    name: str
    keeps: Callable[[pd.DataFrame], pd.Series]
    reason: str


def require_unique_ids(baseline: pd.DataFrame) -> None:
    """Raise an InputError when a patient_id occurs in more than one baseline row."""
    duplicated = baseline["patient_id"].duplicated(keep=False)
    if duplicated.any():
        raise InputError(
            "patient_id is not unique in the baseline table",
            file="baseline",
            column="patient_id",
            ids=baseline.loc[duplicated, "patient_id"].unique(),
            fix="keep one baseline row per patient",
        )


def extra_columns(baseline: pd.DataFrame) -> list[str]:
    """Baseline columns beyond ours (config data.extra_columns), without a biomarker's LOD columns.

    Ingestion keeps only the dictionary's columns, so these are the ones the configuration added.
    """
    flags = {f"{c}{suffix}" for c in baseline.columns for suffix in (BELOW_LOD_SUFFIX, LOD_SUFFIX)}
    return [c for c in baseline.columns if c not in {*BASELINE_COLUMNS, *flags}]


def analysis_columns(pair: Pair, baseline: pd.DataFrame) -> list[str]:
    """The dataset's columns in order: ours, the pair's with their LOD columns, the codings, then
    the other extra columns; a pair column that is also one of ours (a covariate) appears once."""
    leading = [*LEADING_COLUMNS, *(c for c in value_columns(pair) if c not in LEADING_COLUMNS)]
    columns = [*leading, *CODING_COLUMNS]
    return [*columns, *(c for c in extra_columns(baseline) if c not in columns)]


def has_baseline_hamd(data: pd.DataFrame) -> pd.Series:
    """Whether each patient has a baseline HAMD rating."""
    return data["hamd_baseline"].notna()


def baseline_hamd_stage(outcome_settings: Mapping[str, Any]) -> Stage | None:
    """The stage for patients without a baseline HAMD; None when they stay to be imputed.

    A response is a reduction from baseline, so under outcome.definition: response (or a
    sub-cohort of responders, outcome.among) the patients leave whatever
    outcome.missing_baseline says.
    """
    reason = "no baseline HAMD rating: no week-0 visit or baseline-table value"
    among = outcome_settings.get("among") or {}
    if "response" in (outcome_settings["definition"], among.get("definition")):
        reason += " (a response is a reduction from it)"
    elif outcome_settings["missing_baseline"] == "exclude":
        reason += " (outcome.missing_baseline: exclude)"
    else:
        return None
    return Stage("with_baseline_hamd", has_baseline_hamd, reason)


def exclusion_stages(
    outcome_settings: Mapping[str, Any], pair_settings: Mapping[str, Any]
) -> list[Stage]:
    """The exclusion steps that apply under these settings, in flow order."""
    week = int(outcome_settings["week"])
    pair = pair_from_settings(pair_settings)
    stages = []
    if pair_settings["require_both"]:
        stages.append(
            Stage(
                "with_exposure_and_modifier",
                lambda data: has_exposure_and_modifier(data, pair),
                f"no baseline {pair.exposure.label} or {pair.modifier.label} value",
            )
        )
    baseline_stage = baseline_hamd_stage(outcome_settings)
    if baseline_stage is not None:
        stages.append(baseline_stage)
    stages.append(
        Stage(
            "with_post_baseline_hamd",
            lambda data: data["last_visit_week"].notna(),
            f"no HAMD rating after baseline up to week {week}",
        )
    )
    stages += sub_cohort_stages(outcome_settings)
    if outcome_settings["missing_rule"] == "completers":
        stages.append(
            Stage(
                "completers",
                lambda data: data["completer"] == 1,
                f"no HAMD rating at week {week} (outcome.missing_rule: completers)",
            )
        )
    if pair_settings["below_lod"] == "exclude":
        stages += [
            Stage(
                f"{variable.role}_above_lod",
                lambda data, variable=variable: ~below_lod(data, variable),
                f"{variable.label} below the limit of detection (pair.below_lod: exclude)",
            )
            for variable in pair
            if variable.is_assay
        ]
    limit = pair_settings["outlier_z"]
    logged = log_outlier_variables(pair)
    if limit is not None and logged:
        stages.append(
            Stage(
                "without_outliers",
                lambda data: ~log_outliers(data, pair, float(limit)),
                f"|z| of {' or '.join(f'log {v.label}' for v in logged)} above {limit} "
                "(pair.outlier_z)",
            )
        )
    return stages


def sub_cohort_stages(outcome_settings: Mapping[str, Any]) -> list[Stage]:
    """Under outcome.among: leave when not in the sub-cohort, then when unrated after it."""
    among = outcome_settings.get("among")
    if among is None:
        return []
    earlier, week = int(among["week"]), int(outcome_settings["week"])
    words = SUB_COHORTS[among["definition"]]
    return [
        Stage(
            f"{words.replace(' ', '_')}_at_week_{earlier}",
            lambda data: data[SUB_COHORT_COLUMN],
            f"not {words} at week {earlier}",
        ),
        Stage(
            f"rated_after_week_{earlier}",
            lambda data: data["last_visit_week"] > earlier,
            f"no HAMD rating after week {earlier} up to week {week}",
        ),
    ]


def apply_stages(
    data: pd.DataFrame, stages: list[Stage]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Apply the stages in order; return the remaining sample, the flow and who left where."""
    rows = [("enrolled", len(data), 0, "")]
    leaving = []
    for stage in stages:
        keeps = stage.keeps(data).fillna(False).astype(bool)
        rows.append((stage.name, int(keeps.sum()), int((~keeps).sum()), stage.reason))
        left = data.loc[~keeps, ["patient_id"]]
        leaving.append(left.assign(stage=stage.name, reason=stage.reason))
        data = data.loc[keeps]
    exclusions = pd.concat([pd.DataFrame(columns=EXCLUSION_COLUMNS), *leaving], ignore_index=True)
    return data, pd.DataFrame(rows, columns=FLOW_COLUMNS), exclusions


def flow_text(flow: pd.DataFrame) -> str:
    """The participant flow in one line, e.g. `enrolled 20; with_exposure_and_modifier 0 (…)`."""
    steps = [
        f"{row.stage} {row.n}" + (f" ({row.excluded} left: {row.reason})" if row.excluded else "")
        for row in flow.itertuples()
    ]
    return "; ".join(steps)


def check_analytic_sample(
    data: pd.DataFrame, flow: pd.DataFrame, outcome_settings: Mapping[str, Any], pair: Pair
) -> None:
    """Raise an InputError for an empty sample, an undefined or constant outcome, a constant pair
    variable or values its coding cannot take."""
    definition = outcome_settings["definition"]
    if data.empty:
        raise InputError(
            f"no patient is left in the analytic sample. Flow: {flow_text(flow)}",
            file="baseline",
            fix="see the stage where patients leave: patient_id must match between baseline "
            "and visits, and patients need the exposure, the modifier and a post-baseline HAMD "
            "rating",
        )
    undefined = data.loc[data["outcome"].isna(), "patient_id"]
    if len(undefined):
        raise InputError(
            f"{definition} is undefined for {len(undefined)} patient(s): "
            "their baseline HAMD rating is 0, and a reduction from 0 has no meaning",
            file="visits",
            column="hamd",
            ids=undefined,
            fix="check these patients' baseline HAMD ratings, or use outcome.definition: remission",
        )
    events = int(data["outcome"].sum())
    if events in (0, len(data)):
        kind = "no" if events == 0 else "only"
        raise InputError(
            f"the analytic sample of {len(data)} patients has {kind} {definition} events",
            file="visits",
            column="hamd",
            fix="the outcome must vary: check outcome.remission_threshold / response_reduction "
            "and outcome.week against the HAMD ratings in the visits table",
        )
    require_varying_pair(data, pair)
    require_codable(data, pair)


def build_analysis_dataset(
    baseline: pd.DataFrame,
    visits: pd.DataFrame,
    outcome_settings: Mapping[str, Any],
    pair_settings: Mapping[str, Any],
) -> AnalysisData:
    """Derive the outcome, handle the pair's values, apply the flow and code the analytic sample.

    The dataset has analysis_columns: ours, the pair's columns (each with its LOD columns when it
    has a pair.<role>.lod), the codings, and the other extra baseline columns of config
    data.extra_columns, one row per analytic patient sorted by patient_id; optional baseline
    columns absent from the input are all-NaN. Flow columns: stage, n (patients remaining),
    excluded (patients leaving at this stage), reason. Stages that do not apply under the
    settings are absent. Exclusions: patient_id, stage, reason of every patient of the baseline
    table who left, once each, sorted by patient_id.
    """
    pair = pair_from_settings(pair_settings)
    required = ["patient_id", *value_columns(pair)]
    required += [c for c in BASELINE_COVARIATES if c not in OPTIONAL_BASELINE]
    for name, table, columns in [
        ("baseline", baseline, list(dict.fromkeys(required))),
        ("visits", visits, ["patient_id", "week", "hamd"]),
    ]:
        require_columns(
            table.columns,
            columns,
            table=name,
            fix=f"add the column(s) or map your headers to them under data.columns.{name}",
        )
    require_unique_ids(baseline)
    outcome = derive_outcome(visits, outcome_settings)
    data = baseline.merge(outcome, on="patient_id", how="left", validate="one_to_one")
    members = sub_cohort(visits, outcome_settings)
    if members is not None:
        data[SUB_COHORT_COLUMN] = data["patient_id"].map(members).fillna(False).astype(bool)
    for column in OPTIONAL_BASELINE:
        if column not in data.columns:
            data[column] = float("nan")
    data = substitute_below_lod(data, pair_settings)
    stages = exclusion_stages(outcome_settings, pair_settings)
    sample, flow, exclusions = apply_stages(data, stages)
    check_analytic_sample(sample, flow, outcome_settings, pair)
    coded = add_codings(sample, pair).sort_values("patient_id", kind="stable")
    require_groups(coded, pair, "split")
    dataset = coded[analysis_columns(pair, baseline)].reset_index(drop=True)
    dataset["last_visit_week"] = dataset["last_visit_week"].astype(int)
    exclusions = exclusions.sort_values("patient_id", kind="stable").reset_index(drop=True)
    return AnalysisData(dataset, flow, exclusions, cutpoints(dataset, pair_settings))
