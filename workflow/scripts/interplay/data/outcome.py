"""Per-patient outcome from the long visits table: baseline HAMD, LOCF, remission, response."""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from interplay.errors import InputError

DEFINITIONS = ("remission", "response")
MISSING_RULES = ("locf", "completers")
MISSING_BASELINE_RULES = ("exclude", "impute")
# Settings of ingestion, which maps the visits onto the schedule once for every analysis.
INGESTION_KEYS = ("schedule", "window_weeks")
OUTCOME_COLUMNS = [
    "hamd_baseline",
    "last_visit_week",
    "completer",
    "hamd_outcome",
    "remission",
    "response",
    "outcome",
]


def check_outcome_settings(settings: Mapping[str, Any], key: str = "outcome") -> None:
    """Reject an outcome definition, rule or week the workflow does not know; `key` is its place."""
    for name, allowed in [
        ("definition", DEFINITIONS),
        ("missing_rule", MISSING_RULES),
        ("missing_baseline", MISSING_BASELINE_RULES),
    ]:
        if settings[name] not in allowed:
            raise InputError(
                f"unknown {key}.{name} '{settings[name]}'",
                file="config.yaml",
                column=f"{key}.{name}",
                fix=f"use one of: {', '.join(allowed)}",
            )
    week, schedule = settings["week"], list(settings["schedule"])
    if int(week) <= 0:
        raise InputError(
            f"{key}.week is {week}, but week 0 is the baseline visit",
            file="config.yaml",
            column=f"{key}.week",
            fix=f"set {key}.week to a post-baseline visit week, e.g. 12",
        )
    if week not in schedule:
        later = [scheduled for scheduled in schedule if scheduled > 0]
        raise InputError(
            f"{key}.week is {week}, which is not a week of the visit schedule {schedule} "
            "(outcome.schedule): no visit is planned then, so the outcome would be carried "
            "forward from an earlier visit",
            file="config.yaml",
            column=f"{key}.week",
            fix=f"set {key}.week to one of the post-baseline visit weeks {later}, or add week "
            f"{week} to outcome.schedule if visits were planned then",
        )


def check_analysis_outcomes(
    primary: Mapping[str, Any], analyses: Mapping[str, Mapping[str, Any]]
) -> None:
    """Check every analysis's merged outcome settings; none may change how visits are ingested."""
    check_outcome_settings(primary)
    for name, settings in analyses.items():
        key = f"analyses.{name}.outcome"
        check_outcome_settings(settings, key)
        changed = [setting for setting in INGESTION_KEYS if settings[setting] != primary[setting]]
        if changed:
            raise InputError(
                f"{key} overrides {', '.join(changed)}, but the visits are mapped onto the "
                "schedule once, at ingestion, for every analysis",
                file="config.yaml",
                column=f"{key}.{changed[0]}",
                fix=f"set {' and '.join(changed)} in the top-level outcome section only, and "
                f"remove it from {key}",
            )


def rated_visits(visits: pd.DataFrame) -> pd.DataFrame:
    """Visits with a HAMD rating, one per patient and week (a duplicate is an InputError)."""
    rated = visits.loc[visits["hamd"].notna(), ["patient_id", "week", "hamd"]]
    duplicated = rated.duplicated(["patient_id", "week"], keep=False)
    if duplicated.any():
        raise InputError(
            "more than one HAMD rating for the same patient and week",
            file="visits",
            column="week",
            ids=rated.loc[duplicated, "patient_id"].unique(),
            fix="keep exactly one HAMD rating per patient and visit week",
        )
    return rated


def flag(condition: pd.Series, defined: pd.Series) -> pd.Series:
    """A 0/1 Int64 column that is <NA> where its inputs are missing."""
    return condition.astype("Int64").where(defined)


def derive_outcome(visits: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """One row per patient in `visits` (sorted by patient_id) with the OUTCOME_COLUMNS.

    hamd_baseline is the week-0 rating (ingestion adds one from the baseline table's hamd_baseline
    where a patient has no week-0 visit); last_visit_week the last rated visit in (0, outcome.week]
    (<NA> without one); completer is 1 when rated at outcome.week; hamd_outcome is the rating at
    outcome.week, or under missing_rule `locf` the last post-baseline rating carried forward
    (NaN for non-completers under `completers`). remission: hamd_outcome <= remission_threshold;
    response: (hamd_baseline - hamd_outcome) / hamd_baseline >= response_reduction; outcome copies
    the one named by outcome.definition. Rows with a missing HAMD count as visits not attended.
    """
    check_outcome_settings(settings)
    week = int(settings["week"])
    rated = rated_visits(visits)
    patients = pd.Index(sorted(rated["patient_id"].unique()), name="patient_id")
    follow_up = rated.loc[(rated["week"] > 0) & (rated["week"] <= week)]
    last_visit = follow_up.sort_values("week").groupby("patient_id").last()
    at_outcome_week = follow_up.loc[follow_up["week"] == week].set_index("patient_id")["hamd"]

    out = pd.DataFrame(index=patients)
    out["hamd_baseline"] = rated.loc[rated["week"] == 0].set_index("patient_id")["hamd"]
    out["last_visit_week"] = last_visit["week"].reindex(patients).astype("Int64")
    out["completer"] = patients.isin(at_outcome_week.index).astype(int)
    carried = last_visit["hamd"] if settings["missing_rule"] == "locf" else at_outcome_week
    out["hamd_outcome"] = carried.reindex(patients).astype(float)
    out["hamd_baseline"] = out["hamd_baseline"].astype(float)

    has_outcome = out["hamd_outcome"].notna()
    out["remission"] = flag(out["hamd_outcome"] <= settings["remission_threshold"], has_outcome)
    # Compare the reduction as a fraction, not drop >= fraction * baseline: for integer scores the
    # quotient is correctly rounded, so e.g. 3/10 >= 0.3 holds exactly where 0.3 * 10 would not.
    reduction = (out["hamd_baseline"] - out["hamd_outcome"]) / out["hamd_baseline"]
    out["response"] = flag(
        reduction >= settings["response_reduction"],
        has_outcome & (out["hamd_baseline"] > 0),
    )
    out["outcome"] = out[settings["definition"]]
    return out[OUTCOME_COLUMNS].reset_index()
