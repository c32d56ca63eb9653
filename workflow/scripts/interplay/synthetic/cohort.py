"""Seeded synthetic MAKE BETTER-like cohort with known truth (docs/synthetic_cohort.md).

Covariates and biomarkers come from a Gaussian copula with the margins of cohort_truth; true week-12
remission is Bernoulli from a logistic model on exactly the primary adjustment set plus the
biomarker median splits and their product (or, under another synthetic.scenario, that scenario's
marker and modifier terms); HAMD trajectories, dropout, treatment step and missing covariates are
generated around it. Everything is vectorised and seeded from one SeedSequence.
"""

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from scipy.special import expit, ndtr

from interplay.columns import BASELINE_COLUMNS, CATEGORY_LEVELS
from interplay.errors import InputError
from interplay.synthetic import truth

DECIMAL_COLUMNS = {"episode_duration_months"}  # recorded to 0.1 month; other covariates whole
# Independent random streams, so switching one part (dropout, missingness) leaves the others alone.
# follow_up and markers come last: SeedSequence children depend only on their index, so adding
# them left the streams before them, and the default cohort, unchanged.
STREAMS = (
    "selection",
    "covariates",
    "outcome",
    "trajectory",
    "dropout",
    "treatment",
    "missing",
    "follow_up",
    "markers",
)
LATENT_LIMIT = 8.0  # |z| cap keeps every quantile transform finite (P(|z| > 8) ≈ 1e-15)
JSON_SIGNIFICANT_DIGITS = 12


@dataclass(frozen=True, eq=False)
class SyntheticCohort:
    """The two input tables as a hospital would export them, and the true parameters."""

    baseline: pd.DataFrame
    visits: pd.DataFrame
    truth: dict[str, Any]


def simulate_cohort(
    n_patients: int = 1094,
    n_without_biomarkers: int = 12,
    n_without_followup: int = 8,
    dropout: bool = True,
    missingness: bool = True,
    seed: int = 20250304,
    lod: float = truth.IL1B_REFERENCE_LOD,
    missing_fraction: float = 0.025,
    missingness_strength: float = 0.5,
    long_follow_up: bool = False,
    scenario: str = truth.DEFAULT_SCENARIO,
) -> SyntheticCohort:
    """Simulate the cohort and its truth (parameters below; the truth file records them).

    dropout=False: everyone attends every visit (n_without_followup then has no effect).
    missing_fraction: mean missing rate over the covariates that can be missing (0–4 % by default).
    missingness_strength: log-odds by which LOCF non-remitters with high IL-1β are likelier to miss
    covariates (0: completely at random); large values make complete-case estimates drift.
    long_follow_up: also the continuation visits of truth.FOLLOW_UP_WEEKS (relapse, late
    remission), drawn from their own stream after everything else.
    scenario: cho2025 (IL-1β × BDNF) or a pair of truth.SCENARIOS, whose exposure marker column
    is added (drawn from its own stream) and whose terms replace IL-1β's and BDNF's in the true
    outcome model; lod is then that marker's limit of detection (None: no cell below it) and
    IL-1β keeps its reference LOD.
    """
    check_arguments(
        n_patients, n_without_biomarkers, n_without_followup, lod, missing_fraction, scenario
    )
    rngs = dict(
        zip(
            STREAMS,
            map(np.random.default_rng, np.random.SeedSequence(seed).spawn(len(STREAMS))),
            strict=True,
        )
    )
    n_total = n_patients + n_without_biomarkers
    ids = synthetic_ids(n_total)
    no_biomarkers, no_followup = pick_exclusions(
        rngs["selection"], n_total, n_without_biomarkers, n_without_followup if dropout else 0
    )
    values = draw_baseline(rngs["covariates"], n_total)
    lods = {"il1b": lod}
    if scenario != truth.DEFAULT_SCENARIO:
        marker = truth.SCENARIOS[scenario].marker
        values[marker.column] = draw_marker(rngs["markers"], n_total, marker)
        lods = {"il1b": truth.IL1B_REFERENCE_LOD, marker.column: lod}
    coefficients = truth.scenario_coefficients(scenario)
    remission = rngs["outcome"].random(n_total) < expit(
        outcome_design(values, scenario) @ np.array(list(coefficients.values()))
    )
    hamd = draw_trajectories(rngs["trajectory"], values["hamd_baseline"], remission)
    last_week = (
        draw_last_week(rngs["dropout"], hamd, no_followup)
        if dropout
        else np.full(n_total, truth.WEEKS[-1])
    )
    values["treatment_step"] = draw_treatment_step(rngs["treatment"], remission)
    score = missingness_score(hamd, last_week, exposure_high(values, scenario), no_biomarkers)
    rates = truth.missing_rates(missing_fraction if missingness else 0.0)
    masks = draw_missing(rngs["missing"], score, rates, missingness_strength)
    arguments = {
        "n_patients": n_patients,
        "n_without_biomarkers": n_without_biomarkers,
        "n_without_followup": n_without_followup,
        "dropout": dropout,
        "missingness": missingness,
        "seed": seed,
        "lod": lod,
        "missing_fraction": missing_fraction,
        "missingness_strength": missingness_strength,
    }
    if scenario != truth.DEFAULT_SCENARIO:
        # Recorded only for another scenario, so the default truth.json keeps its bytes.
        arguments["scenario"] = scenario
    weeks = truth.WEEKS
    if long_follow_up:
        # Recorded only when on, so the default truth.json keeps its bytes.
        arguments["long_follow_up"] = True
        il1b_high = values["il1b"] > truth.IL1B_MEDIAN
        hamd, last_week = draw_follow_up(rngs["follow_up"], hamd, last_week, il1b_high, dropout)
        weeks = (*truth.WEEKS, *truth.FOLLOW_UP_WEEKS)
    analytic = n_patients - int(no_followup.sum())
    return SyntheticCohort(
        baseline=baseline_table(ids, values, masks, no_biomarkers, lods),
        visits=visits_table(ids, hamd, last_week, weeks),
        truth=truth.truth_record(arguments, rates, n_total, n_patients, analytic),
    )


def check_arguments(
    n_patients: int,
    n_without_biomarkers: int,
    n_without_followup: int,
    lod: float | None,
    fraction: float,
    scenario: str,
) -> None:
    """Raise InputError for counts, LOD, missing fraction or a scenario it cannot honour."""
    if scenario not in truth.SCENARIO_NAMES:
        raise InputError(
            f"unknown synthetic.scenario '{scenario}'",
            file="config.yaml",
            column="synthetic.scenario",
            fix=f"use one of: {', '.join(truth.SCENARIO_NAMES)}",
        )
    if scenario == truth.DEFAULT_SCENARIO:
        label, median = "IL-1β", truth.IL1B_MEDIAN
    else:
        marker = truth.SCENARIOS[scenario].marker
        label, median = marker.column, marker.median
    problems = []
    if n_patients < 1 or n_without_biomarkers < 0 or n_without_followup < 0:
        problems.append("counts must be n_patients ≥ 1 and the other counts ≥ 0")
    if n_without_followup >= n_patients:
        problems.append("n_without_followup must be smaller than n_patients")
    if lod is not None and not 0 < lod < median:
        problems.append(f"the {label} LOD must lie between 0 and the median {median}")
    if fraction < 0 or max(truth.missing_rates(fraction).values()) >= 1:
        problems.append("missing_fraction gives a per-covariate rate outside [0, 1)")
    if problems:
        raise InputError(
            "invalid synthetic cohort settings: " + "; ".join(problems),
            file="config.yaml",
            column="synthetic",
            fix="set synthetic.n_patients, n_without_biomarkers, n_without_followup and "
            "pair.exposure.lod to values that satisfy these limits",
        )


def pick_exclusions(
    rng: np.random.Generator, n_total: int, n_without_biomarkers: int, n_without_followup: int
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks: patients without biomarkers, and (among the rest) without follow-up."""
    order = rng.permutation(n_total)
    no_biomarkers = np.zeros(n_total, dtype=bool)
    no_followup = np.zeros(n_total, dtype=bool)
    no_biomarkers[order[:n_without_biomarkers]] = True
    no_followup[order[n_without_biomarkers : n_without_biomarkers + n_without_followup]] = True
    return no_biomarkers, no_followup


def draw_baseline(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Covariates, baseline HAMD and latent biomarkers, rounded as they are recorded."""
    cholesky = np.linalg.cholesky(truth.latent_correlation())
    z = np.clip(
        rng.standard_normal((n, len(truth.LATENT))) @ cholesky.T, -LATENT_LIMIT, LATENT_LIMIT
    )
    latent = dict(zip(truth.LATENT, z.T, strict=True))
    values = {
        name: np.round(truth.truncated_normal_quantile(ndtr(latent[name]), *parameters))
        for name, parameters in truth.TRUNCATED_NORMALS.items()
    }
    binaries = {name: ndtr(latent[name]) < p for name, p in truth.PROPORTIONS.items()}
    values["sex_male"] = (~binaries.pop(truth.SEX_LATENT)).astype(float)
    values.update({name: present.astype(float) for name, present in binaries.items()})
    for name, (size, probability, cap) in truth.NEGATIVE_BINOMIALS.items():
        values[name] = capped_count_quantile(ndtr(latent[name]), size, probability, cap)
    episode = truth.EPISODE_MEDIAN_MONTHS * np.exp(
        truth.EPISODE_LOG_SD * latent["episode_duration_months"]
    )
    values["episode_duration_months"] = np.round(np.minimum(episode, truth.EPISODE_MAX_MONTHS), 1)
    excess = stats.gamma.ppf(ndtr(latent["hamd_baseline"]), truth.HAMD_GAMMA_SHAPE)
    values["hamd_baseline"] = np.minimum(
        np.round(truth.HAMD_MINIMUM + truth.HAMD_GAMMA_SCALE * excess), truth.HAMD_MAXIMUM
    )
    il1b = truth.IL1B_MEDIAN * np.exp(truth.IL1B_LOG_SD * latent["il1b"])
    values["il1b"] = np.round(il1b, truth.IL1B_DECIMALS)
    bdnf = truth.truncated_normal_quantile(
        ndtr(latent["bdnf"]), truth.BDNF_MEAN, truth.BDNF_SD, 0.0, math.inf
    )
    # Rounding could make a tiny BDNF zero; the dictionary requires > 0.
    values["bdnf"] = np.maximum(np.round(bdnf, truth.BDNF_DECIMALS), 10.0**-truth.BDNF_DECIMALS)
    return values


def capped_count_quantile(u: np.ndarray, size: float, probability: float, cap: int) -> np.ndarray:
    """Negative binomial quantile at u, capped (a CDF lookup: scipy's nbinom.ppf is slow)."""
    cdf = stats.nbinom.cdf(np.arange(cap + 1), size, probability)
    return np.minimum(np.searchsorted(cdf, u, side="left"), cap).astype(float)


def draw_marker(rng: np.random.Generator, n: int, marker: truth.Marker) -> np.ndarray:
    """An extra marker: log-normal around its median, independent of the rest, rounded."""
    values = marker.median * np.exp(marker.log_sd * rng.standard_normal(n))
    return np.maximum(np.round(values, marker.decimals), 10.0**-marker.decimals)


def exposure_high(values: dict[str, np.ndarray], scenario: str) -> np.ndarray:
    """The scenario's exposure above its population median (cho2025: IL-1β)."""
    if scenario == truth.DEFAULT_SCENARIO:
        return values["il1b"] > truth.IL1B_MEDIAN
    marker = truth.SCENARIOS[scenario].marker
    return values[marker.column] > marker.median


def true_pair_terms(values: dict[str, np.ndarray], scenario: str) -> dict[str, np.ndarray]:
    """The true model's exposure, modifier and product columns of a scenario (generic names)."""
    if scenario == truth.DEFAULT_SCENARIO:
        high = exposure_high(values, scenario).astype(float)
        modifier = (values["bdnf"] > truth.BDNF_MEDIAN).astype(float)
        names = ("exposure_high", "modifier_high")
    else:
        setting = truth.SCENARIOS[scenario]
        if setting.coding == "split":
            high = exposure_high(values, scenario).astype(float)
            modifier = (values[setting.modifier] >= setting.threshold).astype(float)
            names = ("exposure_high", "modifier_high")
        else:
            high = np.log2(values[setting.exposure])
            modifier = values[setting.modifier].astype(float)
            names = ("exposure_scaled", "modifier_scaled")
    return {names[0]: high, names[1]: modifier, f"{names[0]}:{names[1]}": high * modifier}


def outcome_design(values: dict[str, np.ndarray], scenario: str) -> np.ndarray:
    """Design matrix of the scenario's true outcome model (columns in its coefficient order)."""
    columns = {"intercept": np.ones(values["age"].size), **true_pair_terms(values, scenario)}
    return np.column_stack(
        [columns.get(term, values.get(term)) for term in truth.scenario_coefficients(scenario)]
    )


def draw_trajectories(
    rng: np.random.Generator, baseline: np.ndarray, remission: np.ndarray
) -> np.ndarray:
    """HAMD at every scheduled week (patients × weeks); week 12 ≤ 7 exactly when remission."""
    n = baseline.size
    remitter_score = rng.binomial(truth.REMISSION_THRESHOLD, truth.REMITTER_BINOMIAL_P, n)
    floor = truth.REMISSION_THRESHOLD + 1
    ceiling = np.minimum(baseline + truth.NONREMITTER_WORSENING, truth.HAMD_MAXIMUM)
    share = rng.beta(*truth.NONREMITTER_BETA, n)
    nonremitter_score = np.minimum(floor + np.floor((ceiling - floor + 1) * share), ceiling)
    final = np.where(remission, remitter_score, nonremitter_score)
    weeks = np.array(truth.WEEKS, dtype=float)
    tau = truth.TRAJECTORY_TIME_CONSTANT_WEEKS
    progress = (1 - np.exp(-weeks / tau)) / (1 - np.exp(-weeks[-1] / tau))
    noise = rng.normal(0.0, truth.VISIT_NOISE_SD, (n, weeks.size))
    noise[:, [0, -1]] = 0.0  # week 0 is the baseline rating, week 12 carries the outcome
    path = baseline[:, None] + (final - baseline)[:, None] * progress[None, :] + noise
    return np.clip(np.round(path), 0, truth.HAMD_MAXIMUM).astype(np.int64)


def draw_last_week(
    rng: np.random.Generator, hamd: np.ndarray, no_followup: np.ndarray
) -> np.ndarray:
    """Last week attended: monotone dropout after weeks 3, 6, 9, likelier for non-improvers."""
    weeks = truth.WEEKS
    last_week = np.full(hamd.shape[0], weeks[-1])
    attending = ~no_followup
    last_week[no_followup] = weeks[0]
    draws = rng.random((hamd.shape[0], len(weeks) - 2))
    for column, week in enumerate(weeks[1:-1], start=1):
        ratio = hamd[:, column] / hamd[:, 0]
        hazard = expit(truth.DROPOUT_INTERCEPT + truth.DROPOUT_SLOPE_PER_RATIO * ratio)
        leaves = attending & (draws[:, column - 1] < hazard)
        last_week[leaves] = week
        attending &= ~leaves
    return last_week


def draw_follow_up(
    rng: np.random.Generator,
    hamd: np.ndarray,
    last_week: np.ndarray,
    il1b_high: np.ndarray,
    dropout: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """HAMD with the continuation visits appended, and the last week attended (truth.py)."""
    baseline, week12 = hamd[:, 0], hamd[:, -1]
    half = np.floor(baseline * truth.RESPONSE_REDUCTION)
    noise = rng.normal(
        0.0, truth.CONTINUATION_NOISE_SD, (hamd.shape[0], len(truth.FOLLOW_UP_WEEKS))
    )
    later = np.where(
        (week12 <= half)[:, None],
        responder_course(rng, half, week12, il1b_high, noise),
        late_remission_course(rng, week12, noise),
    )
    last = continuation_last_week(rng, last_week) if dropout else full_last_week(last_week)
    return np.hstack([hamd, later.astype(np.int64)]), last


def responder_course(
    rng: np.random.Generator,
    half: np.ndarray,
    week12: np.ndarray,
    il1b_high: np.ndarray,
    noise: np.ndarray,
) -> np.ndarray:
    """Continuation HAMD of week-12 responders: well, or relapsed from a uniform visit on."""
    n, visits = noise.shape
    relapses = rng.random(n) < expit(
        truth.RELAPSE_INTERCEPT + truth.RELAPSE_IL1B_LOG_OR * il1b_high
    )
    relapse_visit = rng.integers(0, visits, n)
    extra = rng.binomial(*truth.RELAPSE_EXTRA_BINOMIAL, n)
    relapse_score = np.maximum(truth.RELAPSE_THRESHOLD, half + 1) + extra
    ceiling = np.minimum(truth.RELAPSE_THRESHOLD - 1, half)
    well = np.clip(np.round(week12[:, None] + noise), 0, ceiling[:, None])
    relapsed = relapses[:, None] & (np.arange(visits)[None, :] >= relapse_visit[:, None])
    return np.where(relapsed, relapse_score[:, None], well)


def late_remission_course(
    rng: np.random.Generator, week12: np.ndarray, noise: np.ndarray
) -> np.ndarray:
    """Continuation HAMD of week-12 non-responders: a linear path to week 52's score."""
    n, visits = noise.shape
    late = rng.random(n) < truth.LATE_REMISSION_PROBABILITY
    remitted = rng.binomial(truth.REMISSION_THRESHOLD, truth.REMITTER_BINOMIAL_P, n)
    target = np.where(late, remitted, week12)
    progress = np.arange(1, visits + 1) / visits
    path = week12[:, None] + (target - week12)[:, None] * progress[None, :] + noise
    path[:, -1] = target  # week 52 carries the late remission (or its absence) exactly
    return np.clip(np.round(path), 0, truth.HAMD_MAXIMUM)


def full_last_week(last_week: np.ndarray) -> np.ndarray:
    """Week 52 for the patients who attended week 12; the others keep their last week."""
    return np.where(last_week == truth.WEEKS[-1], truth.FOLLOW_UP_WEEKS[-1], last_week)


def continuation_last_week(rng: np.random.Generator, last_week: np.ndarray) -> np.ndarray:
    """Last week attended when week-12 attenders leave after weeks 12, 24 or 36 (monotone)."""
    stops = (truth.WEEKS[-1], *truth.FOLLOW_UP_WEEKS[:-1])
    leaves = rng.random((last_week.size, len(stops))) < truth.CONTINUATION_DROPOUT
    attended = last_week == truth.WEEKS[-1]
    last = full_last_week(last_week)
    # Latest first, so a patient's earliest departure is the one that stays.
    for column in reversed(range(len(stops))):
        last = np.where(attended & leaves[:, column], stops[column], last)
    return last


def draw_treatment_step(rng: np.random.Generator, remission: np.ndarray) -> np.ndarray:
    """Treatment step (1–4) reached by week 12, later steps likelier without remission."""
    cumulative = np.array([np.cumsum(truth.STEP_PROBABILITIES[k]) for k in (0, 1)])
    thresholds = cumulative[remission.astype(int)]
    return 1.0 + (rng.random(remission.size)[:, None] > thresholds[:, :-1]).sum(axis=1)


def missingness_score(
    hamd: np.ndarray, last_week: np.ndarray, high: np.ndarray, no_biomarkers: np.ndarray
) -> np.ndarray:
    """1 for observed LOCF non-remitters with a high exposure (fully observed data), else 0."""
    column = np.searchsorted(truth.WEEKS, last_week)
    locf = hamd[np.arange(hamd.shape[0]), column]
    nonremission = (last_week > truth.WEEKS[0]) & (locf > truth.REMISSION_THRESHOLD)
    return (nonremission & high & ~no_biomarkers).astype(float)


def draw_missing(
    rng: np.random.Generator, score: np.ndarray, rates: dict[str, float], strength: float
) -> dict[str, np.ndarray]:
    """Masks of missing covariates: P = expit(c_j + strength × score), mean rate_j for each j."""
    share = float(score.mean())
    draws = rng.random((score.size, len(rates)))
    masks = {}
    for column, (name, rate) in enumerate(rates.items()):
        if rate == 0:
            masks[name] = np.zeros(score.size, dtype=bool)
            continue
        offset = optimize.brentq(
            lambda c, r=rate: share * expit(c + strength) + (1 - share) * expit(c) - r, -60, 60
        )
        masks[name] = draws[:, column] < expit(offset + strength * score)
    return masks


def synthetic_ids(n: int) -> np.ndarray:
    """Text identifiers MB00001, MB00002, … (wider when n needs more digits)."""
    width = max(5, len(str(n)))
    return np.array([f"MB{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def marker_text(values: np.ndarray, lod: float | None, decimals: int) -> np.ndarray:
    """A marker as a lab exports it: '<0.10'-style below the LOD, else the value to `decimals`."""
    numbers = np.char.mod(f"%.{decimals}f", values).astype(object)
    return numbers if lod is None else np.where(values < lod, f"<{lod:.2f}", numbers)


def baseline_table(
    ids: np.ndarray,
    values: dict[str, np.ndarray],
    masks: dict[str, np.ndarray],
    no_biomarkers: np.ndarray,
    lods: dict[str, float | None],
) -> pd.DataFrame:
    """The baseline export: dictionary columns, then a scenario's marker (`lods` names it);
    missing cells blank, unmeasured biomarkers blank."""
    n = no_biomarkers.size
    female, male = CATEGORY_LEVELS["sex"]
    columns = {
        "patient_id": pd.Series(ids, dtype="str"),
        "sex": pd.Series(np.where(values["sex_male"] == 1, male, female), dtype="str"),
        **{
            name: pd.Series(
                np.where(no_biomarkers, None, marker_text(values[name], lod, decimals(name))),
                dtype="str",
            )
            for name, lod in lods.items()
        },
        "bdnf": np.where(no_biomarkers, np.nan, values["bdnf"]),
    }
    for name in BASELINE_COLUMNS:
        if name not in columns:
            missing = masks.get(name, np.zeros(n, dtype=bool))
            columns[name] = as_recorded(values[name], missing, name in DECIMAL_COLUMNS)
    extra = [name for name in lods if name not in BASELINE_COLUMNS]
    return pd.DataFrame({name: columns[name] for name in [*BASELINE_COLUMNS, *extra]})


def decimals(name: str) -> int:
    """Decimals a lab reports a marker to (IL-1β or an extra marker of truth.EXTRA_MARKERS)."""
    return truth.IL1B_DECIMALS if name == "il1b" else truth.EXTRA_MARKERS[name].decimals


def as_recorded(values: np.ndarray, missing: np.ndarray, decimal: bool) -> pd.Series:
    """A covariate column with blank missing cells: float if it has decimals, else Int64."""
    if decimal:
        return pd.Series(np.where(missing, np.nan, values))
    return pd.Series(pd.array(values.astype(np.int64), dtype="Int64")).mask(missing)


def visits_table(
    ids: np.ndarray, hamd: np.ndarray, last_week: np.ndarray, weeks: tuple[int, ...]
) -> pd.DataFrame:
    """The visits export in long format (HAMD columns at `weeks`), no rows after the last visit."""
    weeks = np.array(weeks)
    attended = weeks[None, :] <= last_week[:, None]
    ids = np.repeat(ids[:, None], weeks.size, axis=1)
    return pd.DataFrame(
        {
            "patient_id": pd.Series(ids[attended], dtype="str"),
            "week": np.broadcast_to(weeks, hamd.shape)[attended].astype(np.int64),
            "hamd": hamd[attended],
        }
    )


def plain(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, floats to 12 significant digits."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(f"{float(value):.{JSON_SIGNIFICANT_DIGITS}g}")
    return value


def write_cohort(
    cohort: SyntheticCohort,
    baseline_path: str | Path,
    visits_path: str | Path,
    truth_path: str | Path,
) -> None:
    """Write baseline and visits CSVs and the truth JSON, byte-stable for the same cohort."""
    for path in (baseline_path, visits_path, truth_path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    cohort.baseline.to_csv(baseline_path, index=False, lineterminator="\n")
    cohort.visits.to_csv(visits_path, index=False, lineterminator="\n")
    text = json.dumps(plain(cohort.truth), sort_keys=True, indent=2, ensure_ascii=False)
    Path(truth_path).write_text(text + "\n", encoding="utf-8")
