"""The synthetic cohort: published calibration targets, determinism, switches and known truth.

Descriptive tolerances are about three sampling standard errors at n ≈ 1,086 (e.g. a proportion near
50 % has SE 1.5 pp, so ± 4–5 pp; a mean has SE SD/√n), so they fail on a mis-calibrated generator,
not on sampling noise. Outcome quantities are computed here from the exported tables with plain
pandas, independently of the generator's own code.
"""

import json
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml
from conftest import REPO
from interplay.columns import COVARIATES
from interplay.errors import InputError
from interplay.synthetic import truth as cohort_truth
from interplay.synthetic.cohort import (
    BASELINE_COLUMNS,
    capped_count_quantile,
    simulate_cohort,
    write_cohort,
)
from scipy import stats

DICTIONARY = pd.read_csv(REPO / "resources" / "data_dictionary.tsv", sep="\t")
CONFIG = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
SCHEDULE = CONFIG["outcome"]["schedule"]
THRESHOLD = CONFIG["outcome"]["remission_threshold"]
LOD = CONFIG["pair"]["exposure"]["lod"]
ALWAYS_RECORDED = ["patient_id", "age", "sex"]


@pytest.fixture(scope="module")
def cohort():
    """The cohort at the default arguments and seed (what the workflow ships)."""
    return simulate_cohort()


@pytest.fixture(scope="module")
def analytic(cohort):
    """Patients with both biomarkers and a post-baseline HAMD, with LOCF remission."""
    visits = cohort.visits.sort_values(["patient_id", "week"])
    post = (
        visits[visits["week"] > 0]
        .groupby("patient_id")
        .agg(last_week=("week", "last"), hamd_locf=("hamd", "last"))
    )
    week0 = visits[visits["week"] == 0].set_index("patient_id")["hamd"].rename("hamd_baseline")
    baseline = cohort.baseline.set_index("patient_id")
    measured = baseline["il1b"].notna() & baseline["bdnf"].notna()
    data = baseline[measured].join(post, how="inner").join(week0)
    data["remission"] = (data["hamd_locf"] <= THRESHOLD).astype(int)
    return data


def il1b_numbers(text: pd.Series) -> pd.Series:
    """IL-1β as numbers; below-LOD text ('<0.10') becomes 0 (below any median)."""
    below = text.str.startswith("<", na=False)
    return pd.to_numeric(text.where(~below), errors="coerce").mask(below, 0.0)


def test_counts_match_the_published_flow(cohort, analytic):
    """1,106 enrolled, 1,094 with both biomarkers, 1,086 with a post-baseline HAMD."""
    baseline = cohort.baseline
    assert len(baseline) == 1106
    assert baseline["patient_id"].is_unique
    assert (baseline["il1b"].notna() & baseline["bdnf"].notna()).sum() == 1094
    assert (baseline["il1b"].isna() == baseline["bdnf"].isna()).all()
    assert len(analytic) == 1086
    no_biomarkers = set(baseline.loc[baseline["il1b"].isna(), "patient_id"])
    assert no_biomarkers <= set(cohort.visits["patient_id"])  # they still attend visits
    assert cohort.truth["counts"] == {"enrolled": 1106, "with_biomarkers": 1094, "analytic": 1086}


def test_locf_remission_matches_published_rate(analytic):
    """12-week LOCF remission within 45.1 % (490 / 1,086) ± 2.5 pp."""
    assert analytic["remission"].mean() == pytest.approx(490 / 1086, abs=0.025)


DESCRIPTIVE_TARGETS = [
    # (column, statistic, target, tolerance)
    ("age", "mean", 56.9, 1.5),
    ("age", "std", 14.9, 1.0),
    ("education_years", "mean", 9.1, 0.5),
    ("education_years", "std", 4.8, 0.5),
    ("unmarried", "mean", 0.300, 0.04),
    ("living_alone", "mean", 0.154, 0.035),
    ("religious", "mean", 0.559, 0.045),
    ("unemployed", "mean", 0.291, 0.04),
    ("low_income", "mean", 0.597, 0.045),
    ("hamd_baseline", "mean", 20.0, 0.5),
    ("hamd_baseline", "std", 4.5, 0.5),
    ("hads_anxiety", "mean", 11.5, 0.4),
    ("hads_anxiety", "std", 4.0, 0.4),
    ("sofas", "mean", 55.0, 1.0),
    ("sofas", "std", 10.0, 0.8),
    ("previous_episodes", "median", 1.0, 0.0),
    ("episode_duration_months", "median", 6.0, 1.0),
    ("physical_disorders", "mean", 1.5, 0.15),
    ("physical_disorders", "std", 1.3, 0.15),
    ("bdnf", "mean", 22.0, 0.7),
    ("bdnf", "std", 7.5, 0.5),
]


@pytest.mark.parametrize(("column", "statistic", "target", "tolerance"), DESCRIPTIVE_TARGETS)
def test_descriptive_target(analytic, column, statistic, target, tolerance):
    """Each target of docs/synthetic_cohort.md in the analytic sample within tolerance."""
    assert analytic[column].astype(float).agg(statistic) == pytest.approx(target, abs=tolerance)


def test_female_share(analytic):
    """Female 68.6 % ± 4 pp."""
    assert (analytic["sex"] == "female").mean() == pytest.approx(0.686, abs=0.04)


def test_skewed_counts_and_durations(analytic):
    """Previous episodes and episode duration are right-skewed (mean above median)."""
    for column in ["previous_episodes", "episode_duration_months"]:
        values = analytic[column].astype(float)
        assert values.mean() > values.median()


def test_remitters_differ_as_published(analytic):
    """Age 58.2 vs 55.9 (± 2 years) and low income 55.7 % vs 62.9 % (± 5 pp) by remission."""
    by_group = analytic.groupby("remission")
    age = by_group["age"].mean()
    low_income = by_group["low_income"].mean()
    assert age[1] == pytest.approx(58.2, abs=2.0)
    assert age[0] == pytest.approx(55.9, abs=2.0)
    assert age[1] > age[0]
    assert low_income[1] == pytest.approx(0.557, abs=0.05)
    assert low_income[0] == pytest.approx(0.629, abs=0.05)
    assert low_income[0] > low_income[1]


def test_il1b_as_a_lab_exports_it(cohort, analytic):
    """≈ 8 % (± 2.5 pp) written '<0.10', the rest numbers > 0 with sample median 0.6 ± 0.1."""
    text = analytic["il1b"]
    below = text.str.startswith("<")
    assert set(text[below]) == {f"<{LOD:.2f}"}
    assert below.mean() == pytest.approx(0.08, abs=0.025)
    numbers = pd.to_numeric(text[~below])
    assert numbers.notna().all()
    assert (numbers >= LOD).all()
    assert il1b_numbers(text).median() == pytest.approx(0.6, abs=0.1)


def test_population_medians_have_closed_forms(cohort):
    """Truth medians equal scipy's log-normal and truncated-normal medians; 8 % below LOD 0.1."""
    medians = cohort.truth["population_medians"]
    sd = cohort_truth.IL1B_LOG_SD
    assert stats.lognorm(s=sd, scale=medians["il1b"]).cdf(0.1) == pytest.approx(0.08, rel=1e-9)
    a = (0 - cohort_truth.BDNF_MEAN) / cohort_truth.BDNF_SD
    reference = stats.truncnorm(a, np.inf, loc=cohort_truth.BDNF_MEAN, scale=cohort_truth.BDNF_SD)
    assert medians["bdnf"] == pytest.approx(reference.median(), rel=1e-9)


def test_visits_are_monotone_with_published_dropout(cohort, analytic):
    """Visits form a prefix of the schedule; ≈ 18 % (± 4 pp) leave early, more non-improvers."""
    attended = cohort.visits.groupby("patient_id")["week"].apply(list)
    assert all(weeks == SCHEDULE[: len(weeks)] for weeks in attended)
    dropout = analytic["last_week"] < SCHEDULE[-1]
    assert dropout.mean() == pytest.approx(0.18, abs=0.04)
    week3 = cohort.visits[cohort.visits["week"] == 3].set_index("patient_id")["hamd"]
    improved = (1 - week3.reindex(analytic.index) / analytic["hamd_baseline"]) >= 0.25
    assert dropout[~improved].mean() > dropout[improved].mean()


def test_treatment_steps(analytic):
    """Treatment step 1 / 2 / 3 / 4 ≈ 45 / 25 / 15 / 15 % (± 4 pp)."""
    shares = analytic["treatment_step"].value_counts(normalize=True)
    for step, target in {1: 0.45, 2: 0.25, 3: 0.15, 4: 0.15}.items():
        assert shares[step] == pytest.approx(target, abs=0.04)


def test_values_respect_the_dictionary(cohort):
    """Columns and order as the dictionary; numbers within its min–max; whole where integer."""
    # The export writes the baseline HAMD as week-0 visits, without the optional baseline column.
    exported = (DICTIONARY["table"] == "baseline") & (DICTIONARY["column"] != "hamd_baseline")
    rows = DICTIONARY[exported]
    assert list(cohort.baseline.columns) == list(rows["column"]) == list(BASELINE_COLUMNS)
    visit_rows = DICTIONARY[DICTIONARY["table"] == "visits"]
    assert list(cohort.visits.columns) == list(visit_rows["column"])
    for row in rows.itertuples():
        values = cohort.baseline[row.column]
        if row.type in {"number", "integer", "binary"}:
            observed = values.dropna().astype(float)
            assert observed.between(float(row.min), float(row.max)).all(), row.column
        if row.type in {"integer", "binary"}:
            assert (observed == observed.round()).all(), row.column
    assert set(cohort.baseline["sex"]) == {"female", "male"}
    assert (cohort.baseline["bdnf"].dropna() > 0).all()
    assert cohort.baseline["patient_id"].str.fullmatch(r"MB\d{5}").all()
    assert cohort.visits["hamd"].between(0, 52).all()
    assert set(cohort.visits["week"]) == set(SCHEDULE)
    assert (cohort.visits.loc[cohort.visits["week"] == 0, "hamd"] >= 14).all()


def test_missing_covariates_stay_within_limits(cohort):
    """0–5 % missing per covariate; never ID, age, sex, the biomarkers measured, or any HAMD."""
    baseline = cohort.baseline
    measured = baseline["il1b"].notna()
    assert measured.sum() == 1094
    assert baseline.loc[measured, "bdnf"].notna().all()
    covariates = baseline.columns.difference(["il1b", "bdnf"])
    rates = baseline[covariates].isna().mean()
    assert (rates <= 0.05).all()
    assert rates[ALWAYS_RECORDED].eq(0).all()
    assert rates.sum() > 0
    assert cohort.visits.notna().all().all()


def test_same_arguments_give_byte_identical_files(tmp_path):
    """Two calls give equal frames and truth and identical bytes; another seed differs."""
    first, second = simulate_cohort(), simulate_cohort()
    pd.testing.assert_frame_equal(first.baseline, second.baseline)
    pd.testing.assert_frame_equal(first.visits, second.visits)
    assert first.truth == second.truth
    written = []
    for cohort, folder in [(first, "a"), (second, "b")]:
        paths = [tmp_path / folder / name for name in ("baseline.csv", "visits.csv", "truth.json")]
        write_cohort(cohort, *paths)
        written.append([path.read_bytes() for path in paths])
    assert written[0] == written[1]
    other = simulate_cohort(seed=1)
    assert not other.baseline.equals(first.baseline)
    assert not other.visits.equals(first.visits)


def test_written_files_read_back(tmp_path, cohort):
    """The CSVs read back to the same values; the truth JSON has plain types and sorted keys."""
    paths = [tmp_path / name for name in ("baseline.csv", "visits.csv", "truth.json")]
    write_cohort(cohort, *paths)
    baseline = pd.read_csv(paths[0], dtype={"patient_id": str, "il1b": str})
    assert baseline["age"].tolist() == cohort.baseline["age"].tolist()
    assert baseline["il1b"].fillna("").tolist() == cohort.baseline["il1b"].fillna("").tolist()
    np.testing.assert_array_equal(baseline["bdnf"], cohort.baseline["bdnf"])
    visits = pd.read_csv(paths[1], dtype={"patient_id": str})
    pd.testing.assert_frame_equal(visits, cohort.visits, check_dtype=False)
    text = paths[2].read_text(encoding="utf-8")
    truth = json.loads(text)
    assert list(truth) == sorted(truth)
    assert truth["seed"] == 20250304
    assert truth["lod"] == LOD


def test_dropout_switch_gives_every_visit():
    """dropout=False: every patient has all five visits."""
    cohort = simulate_cohort(dropout=False)
    counts = cohort.visits.groupby("patient_id")["week"].count()
    assert len(counts) == len(cohort.baseline)
    assert (counts == len(SCHEDULE)).all()


def test_missingness_switch_leaves_covariates_complete():
    """missingness=False: no missing covariate (biomarkers blank only for the unmeasured)."""
    cohort = simulate_cohort(missingness=False)
    covariates = cohort.baseline.drop(columns=["il1b", "bdnf"])
    assert covariates.notna().all().all()
    assert cohort.baseline["il1b"].isna().sum() == 12


def test_strong_missingness_targets_nonremitters_with_high_il1b():
    """With large strength, LOCF non-remitters with high IL-1β lose far more covariates."""
    cohort = simulate_cohort(missing_fraction=0.05, missingness_strength=3.0)
    visits = cohort.visits.sort_values(["patient_id", "week"])
    locf = visits[visits["week"] > 0].groupby("patient_id")["hamd"].last()
    data = cohort.baseline.set_index("patient_id").join(locf.rename("hamd_locf"), how="inner")
    data = data[data["il1b"].notna()]
    targeted = (data["hamd_locf"] > THRESHOLD) & (il1b_numbers(data["il1b"]) > 0.6)
    incomplete = data.drop(columns=["il1b", "bdnf"]).isna().any(axis=1)
    assert incomplete[targeted].mean() > 3 * incomplete[~targeted].mean()
    rates = data.drop(columns=["il1b", "bdnf"]).isna().mean()
    expected = cohort.truth["missingness"]["rates"]
    for name, rate in expected.items():
        assert rates[name] == pytest.approx(rate, abs=0.03)


def test_truth_terms_are_the_prespecified_set(cohort):
    """Coefficient names: intercept, config's prespecified set (sex → sex_male), biomarker terms."""
    prespecified = CONFIG["covariates"]["sets"]["prespecified"]
    expected = ["intercept"] + ["sex_male" if name == "sex" else name for name in prespecified]
    expected += ["exposure_high", "modifier_high", "exposure_high:modifier_high"]
    coefficients = cohort.truth["coefficients"]
    assert list(coefficients) == expected
    odds_ratios = cohort.truth["stratum_odds_ratios"]
    low_bdnf = math.exp(coefficients["exposure_high"])
    high_bdnf = math.exp(
        coefficients["exposure_high"] + coefficients["exposure_high:modifier_high"]
    )
    assert odds_ratios["il1b_high_within_bdnf_low"] == pytest.approx(low_bdnf)
    assert odds_ratios["il1b_high_within_bdnf_high"] == pytest.approx(high_bdnf)
    assert low_bdnf == pytest.approx(0.5, abs=0.1)
    assert high_bdnf == pytest.approx(1.0, abs=0.1)


@pytest.fixture(scope="module")
def large_cohort():
    """n = 100,000, no dropout, no missingness, followed to week 52 (weeks 0-12 as without)."""
    return simulate_cohort(
        n_patients=100_000,
        n_without_biomarkers=0,
        n_without_followup=0,
        dropout=False,
        missingness=False,
        long_follow_up=True,
    )


@pytest.fixture(scope="module")
def large_complete(large_cohort):
    """The large cohort's week-12 design built from the exported tables."""
    cohort = large_cohort
    visits = cohort.visits.pivot(index="patient_id", columns="week", values="hamd")
    data = cohort.baseline.set_index("patient_id")
    medians = cohort.truth["population_medians"]
    design = pd.DataFrame(index=data.index)
    design["intercept"] = 1.0
    for name in cohort.truth["coefficients"]:
        if name in data.columns:
            design[name] = data[name].astype(float)
    design["sex_male"] = (data["sex"] == "male").astype(float)
    design["hamd_baseline"] = visits[0].astype(float)
    design["exposure_high"] = (il1b_numbers(data["il1b"]) > medians["il1b"]).astype(float)
    design["modifier_high"] = (data["bdnf"] > medians["bdnf"]).astype(float)
    design["exposure_high:modifier_high"] = design["exposure_high"] * design["modifier_high"]
    remission = (visits[SCHEDULE[-1]] <= THRESHOLD).astype(float)
    return cohort.truth, design[list(cohort.truth["coefficients"])], remission


def test_logit_recovers_every_true_coefficient(large_complete):
    """statsmodels Logit on the true design: each estimate within 4 SE of its truth."""
    truth, design, remission = large_complete
    fit = sm.Logit(remission, design).fit(disp=0)
    z = (fit.params - pd.Series(truth["coefficients"])) / fit.bse
    assert z.abs().max() < 4, z.round(2).to_dict()


def test_marginal_il1b_odds_ratio_is_near_published(large_complete):
    """IL-1β high vs low adjusted, without the product term: OR near the published 0.67."""
    _, design, remission = large_complete
    fit = sm.Logit(
        remission, design.drop(columns=["modifier_high", "exposure_high:modifier_high"])
    ).fit(disp=0)
    assert math.exp(fit.params["exposure_high"]) == pytest.approx(0.67, abs=0.05)


@pytest.mark.parametrize(
    "arguments",
    [
        {"n_patients": 10, "n_without_followup": 10},
        {"n_without_biomarkers": -1},
        {"lod": 0.0},
        {"lod": 0.8},
        {"missing_fraction": 0.9},
    ],
)
def test_impossible_settings_are_input_errors(arguments):
    """Settings the generator cannot honour raise InputError naming the configuration."""
    with pytest.raises(InputError, match="synthetic"):
        simulate_cohort(**arguments)


@pytest.mark.parametrize(
    ("size", "probability", "cap"), [(1.5, 0.5, 100), (11.8, 0.89, 30), (1.5, 0.5, 2)]
)
def test_count_quantile_matches_scipy(size, probability, cap):
    """The CDF-lookup negative binomial quantile equals scipy's nbinom.ppf, capped."""
    u = np.random.default_rng(7).random(20_000)
    expected = np.minimum(stats.nbinom.ppf(u, size, probability), cap)
    np.testing.assert_array_equal(capped_count_quantile(u, size, probability, cap), expected)


def test_every_covariate_has_one_synthetic_margin():
    """The truth draws each latent score once: the registry's covariates, then the biomarkers."""
    margins = [
        *cohort_truth.TRUNCATED_NORMALS,
        *cohort_truth.PROPORTIONS,
        *cohort_truth.NEGATIVE_BINOMIALS,
        "episode_duration_months",  # log-normal
        "hamd_baseline",  # 14 + gamma
        "il1b",
        "bdnf",
    ]
    assert sorted(margins) == sorted(cohort_truth.LATENT)
    covariates = ["female" if name == "sex" else name for name in COVARIATES]
    assert sorted(covariates) == sorted(set(cohort_truth.LATENT) - {"il1b", "bdnf"})


def test_long_follow_up_only_adds_the_continuation_visits(cohort):
    """Switched on, weeks 0-12 and the baseline table are exactly the default cohort's."""
    long = simulate_cohort(n_patients=1094, long_follow_up=True)
    early = long.visits[long.visits["week"] <= 12].reset_index(drop=True)
    pd.testing.assert_frame_equal(early, cohort.visits)
    pd.testing.assert_frame_equal(long.baseline, cohort.baseline)
    later = long.visits[long.visits["week"] > 12]
    assert sorted(later["week"].unique()) == list(cohort_truth.FOLLOW_UP_WEEKS)
    assert "follow_up" not in cohort.truth and "long_follow_up" not in cohort.truth["arguments"]
    # Continuation dropout 8 % after each of weeks 12, 24 and 36: 0.92³ of week-12 attenders.
    attended = long.visits["week"].value_counts()
    assert attended[52] / attended[12] == pytest.approx(0.92**3, abs=0.04)


@pytest.fixture(scope="module")
def large_follow_up(large_cohort):
    """The large cohort's visits by patient and week, and IL-1β high."""
    cohort = large_cohort
    visits = cohort.visits.pivot(index="patient_id", columns="week", values="hamd")
    il1b = il1b_numbers(cohort.baseline.set_index("patient_id")["il1b"])
    high = (il1b > cohort.truth["population_medians"]["il1b"]).astype(float)
    return cohort.truth, visits, high.reindex(visits.index)


def test_relapse_among_week12_responders_recovers_its_truth(large_follow_up):
    """Relapse (any continuation rating ≥ 14) on IL-1β high: both coefficients within 4 SE."""
    truth, visits, high = large_follow_up
    responders = visits[12] <= np.floor(visits[0] / 2)
    relapse = (visits.loc[responders, [24, 36, 52]] >= 14).any(axis=1).astype(float)
    design = sm.add_constant(high[responders].rename("exposure_high"))
    fit = sm.Logit(relapse, design).fit(disp=0)
    follow_up = truth["follow_up"]
    expected = pd.Series(
        [follow_up["relapse_intercept"], follow_up["relapse_il1b_log_or"]], index=fit.params.index
    )
    assert ((fit.params - expected) / fit.bse).abs().max() < 4
    # A sustained response at week 52 is exactly the absence of relapse.
    kept = visits.loc[responders]
    sustained = (kept[52] <= np.floor(kept[0] / 2)).astype(float)
    assert (sustained == 1 - relapse).all()
    late = visits.loc[~responders, 52] <= 7
    assert late.mean() == pytest.approx(follow_up["late_remission_probability"], abs=0.01)
