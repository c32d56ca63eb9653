"""Per-patient outcome from the visits table: baseline HAMD, LOCF, remission, response, relapse.

An outcome may be defined in a sub-cohort named by an earlier outcome (outcome.among, e.g. the
week-12 responders): `sub_cohort` says who belongs, the flow removes the others.
"""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from interplay.errors import InputError

DEFINITIONS = ("remission", "response", "relapse")
# The earlier outcomes that can define a sub-cohort (outcome.among.definition).
AMONG_DEFINITIONS = ("remission", "response")
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
    check_among(settings, key)


def check_among(settings: Mapping[str, Any], key: str) -> None:
    """Reject a sub-cohort (outcome.among) that is unknown, not earlier, or missing for relapse."""
    among = settings.get("among")
    if among is None:
        if settings["definition"] == "relapse":
            raise InputError(
                f"{key}.definition is relapse, but {key}.among names no sub-cohort: a relapse "
                "is a return of symptoms after a remission or response",
                file="config.yaml",
                column=f"{key}.among",
                fix=f"set {key}.among, e.g. {{definition: response, week: 12}}",
            )
        return
    if (
        settings["definition"] == "relapse"
        and among["definition"] == "remission"
        and settings["relapse_threshold"] <= settings["remission_threshold"]
    ):
        # Every remitter would count as relapsed at a rating still within remission.
        raise InputError(
            f"{key}.relapse_threshold ({settings['relapse_threshold']}) is not above "
            f"{key}.remission_threshold ({settings['remission_threshold']}): a HAMD-17 rating "
            "that is still a remission would count as a relapse",
            file="config.yaml",
            column=f"{key}.relapse_threshold",
            fix=f"set {key}.relapse_threshold above the remission threshold, e.g. 14",
        )
    if among["definition"] not in AMONG_DEFINITIONS:
        raise InputError(
            f"unknown {key}.among.definition '{among['definition']}'",
            file="config.yaml",
            column=f"{key}.among.definition",
            fix=f"use one of: {', '.join(AMONG_DEFINITIONS)}",
        )
    if among["week"] not in settings["schedule"] or not 0 < among["week"] < settings["week"]:
        raise InputError(
            f"{key}.among.week is {among['week']}: the sub-cohort must be defined at a "
            f"post-baseline visit week of the schedule before {key}.week ({settings['week']})",
            file="config.yaml",
            column=f"{key}.among.week",
            fix=f"set {key}.among.week to a week of outcome.schedule between 0 and "
            f"{settings['week']}, e.g. 12",
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
    the one named by outcome.definition, or for `relapse` is 1 when any rating after
    outcome.among.week up to outcome.week is >= relapse_threshold (<NA> without such a rating).
    Rows with a missing HAMD count as visits not attended.
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
    if settings["definition"] == "relapse":
        out["outcome"] = relapse(follow_up, patients, settings)
    else:
        out["outcome"] = out[settings["definition"]]
    return out[OUTCOME_COLUMNS].reset_index()


def relapse(follow_up: pd.DataFrame, patients: pd.Index, settings: Mapping[str, Any]) -> pd.Series:
    """1 when any rating after outcome.among.week is >= relapse_threshold, else 0; <NA> unrated.

    Frank et al. (1991, Arch Gen Psychiatry 48:851) define relapse as a return of the full
    syndrome during remission, before recovery: here any visit up to outcome.week counts, not only
    the outcome week, since a relapse that remits again by week 52 is still a relapse.
    """
    later = follow_up.loc[follow_up["week"] > settings["among"]["week"]]
    worst = later.groupby("patient_id")["hamd"].max().reindex(patients)
    return flag(worst >= settings["relapse_threshold"], worst.notna())


def among_settings(settings: Mapping[str, Any]) -> dict[str, Any] | None:
    """The outcome settings of the earlier outcome that defines the sub-cohort, or None."""
    among = settings.get("among")
    if among is None:
        return None
    return {**settings, "definition": among["definition"], "week": among["week"], "among": None}


def sub_cohort(visits: pd.DataFrame, settings: Mapping[str, Any]) -> pd.Series | None:
    """Per patient_id, whether the earlier outcome of outcome.among holds (None without among).

    The earlier outcome follows the same thresholds and missing-visit rule as the outcome itself.
    """
    earlier = among_settings(settings)
    if earlier is None:
        return None
    status = derive_outcome(visits, earlier).set_index("patient_id")["outcome"]
    return status.fillna(0).astype(bool)
