"""Johnson–Neyman critical values with multiplicity control (docs/johnson_neyman.md) against
closed forms, R, a brute-force simulation and Esarey & Sumner's published example."""

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import rscript_or_skip
from interplay.interaction import slopes
from scipy import stats
from test_slopes import SCALE, fake_fit

R_DIR = Path(__file__).resolve().parent / "r"
LEVEL = 0.95
# (b1, b3, var b1, cov b1 b3, var b3): slope significant at low modifier values only.
PARAMS = (-0.3, 0.25, 0.01, 0.001, 0.008)
COVARIANCE = np.array([[PARAMS[2], PARAMS[3]], [PARAMS[3], PARAMS[4]]])
OBSERVED = np.random.default_rng(np.random.SeedSequence(11)).normal(22.0, 7.5, 600)


def rscript_value(expression: str) -> float:
    """A number R prints for an expression."""
    result = subprocess.run(
        [rscript_or_skip(), "-e", f'cat(sprintf("%.17g", {expression}))'],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return float(result.stdout)


def brute_force_sup_t(
    covariance: np.ndarray, df: float, z: np.ndarray, draws: int, seed: int
) -> np.ndarray:
    """Sorted draws of max_z |w(z)ᵀε| / se(z), ε multivariate normal or t, computed directly."""
    rng = np.random.default_rng(seed)
    epsilon = rng.multivariate_normal(np.zeros(2), covariance, size=draws)
    if np.isfinite(df):
        epsilon = epsilon / np.sqrt(rng.chisquare(df, size=(draws, 1)) / df)
    values = np.abs(epsilon[:, :1] + epsilon[:, 1:] * z)
    se = np.sqrt(covariance[0, 0] + 2 * z * covariance[0, 1] + z**2 * covariance[1, 1])
    return np.sort((values / se).max(axis=1))


def quantile_bounds(sorted_draws: np.ndarray, level: float, sds: float = 5.0) -> tuple:
    """A Monte Carlo interval of the level-quantile from order statistics (binomial, ± sds SD)."""
    n = len(sorted_draws)
    spread = sds * np.sqrt(n * level * (1 - level))
    return sorted_draws[int(n * level - spread)], sorted_draws[int(n * level + spread)]


def sup_t(covariance, df, z, draws=20000, seed=1) -> float:
    """The library's sup-t critical value."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    return slopes.sup_t_critical(covariance, df, z, LEVEL, draws, rng)[0]


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_scheffe_without_degrees_of_freedom_is_the_chi_square_closed_form(level):
    """√χ²₂(level) = √(−2 ln(1 − level)) (the χ² with 2 df is exponential)."""
    expected = np.sqrt(-2 * np.log(1 - level))
    assert slopes.scheffe_critical(level, np.inf) == pytest.approx(expected, rel=1e-12)
    assert slopes.scheffe_critical(level, np.inf) == pytest.approx(
        np.sqrt(rscript_value(f"qchisq({level}, 2)")), rel=1e-12
    )


@pytest.mark.parametrize("df", [8.5, 60.0, 1064.86])
def test_scheffe_with_degrees_of_freedom_matches_r_qf(df):
    """√(2·F₂,df(level)) against R's qf, and its closed form F = df/2·((1 − level)^(−2/df) − 1)."""
    expected = np.sqrt(2 * rscript_value(f"qf({LEVEL}, 2, {df})"))
    assert slopes.scheffe_critical(LEVEL, df) == pytest.approx(expected, rel=1e-10)
    closed = np.sqrt(df * ((1 - LEVEL) ** (-2 / df) - 1))
    assert slopes.scheffe_critical(LEVEL, df) == pytest.approx(closed, rel=1e-10)


@pytest.mark.parametrize("df", [np.inf, 12.0])
def test_sup_t_matches_a_brute_force_simulation(df):
    """Over the observed range, the library's value lies within the Monte Carlo interval of a
    direct simulation with another seed and a finer grid."""
    z = np.linspace(-2.5, 3.0, 201)
    draws = brute_force_sup_t(COVARIANCE, df, np.linspace(-2.5, 3.0, 401), 20000, seed=99)
    low, high = quantile_bounds(draws, LEVEL)
    assert low <= sup_t(COVARIANCE, df, z) <= high


@pytest.mark.parametrize("df", [np.inf, 5.0])
def test_sup_t_over_a_tiny_range_is_the_pointwise_value(df):
    """Where w(z)/se(z) barely changes the maximum is one |t|: sup-t → the pointwise quantile."""
    pointwise = stats.t.ppf(0.5 + LEVEL / 2, df) if np.isfinite(df) else stats.norm.ppf(0.975)
    value = sup_t(COVARIANCE, df, np.linspace(0.4, 0.4001, 5), draws=40000)
    assert value == pytest.approx(pointwise, abs=0.03)


def test_sup_t_over_the_whole_line_approaches_and_never_exceeds_scheffe():
    """Over every z the maximum is √(εᵀV⁻¹ε) (Cauchy–Schwarz), whose quantile is Scheffé's."""
    scheffe = slopes.scheffe_critical(LEVEL, np.inf)
    every_direction = np.tan(np.linspace(-np.pi / 2, np.pi / 2, 723)[1:-1])
    wide = sup_t(COVARIANCE, np.inf, every_direction, draws=40000)
    assert wide == pytest.approx(scheffe, abs=0.04)
    narrow = sup_t(COVARIANCE, np.inf, np.linspace(-1, 1, 201))
    assert narrow < scheffe - 0.1
    capped = slopes.band_critical(
        "sup_t",
        np.array(PARAMS[:2]),
        COVARIANCE,
        np.inf,
        (-2000.0, 2000.0),
        LEVEL,
        slopes.BandSettings(draws=2000, seed=(3,)),
    )
    assert capped[0] <= scheffe


def test_quantile_mc_se_is_the_asymptotic_standard_error_of_a_quantile():
    """For n normal draws, SE of the p-quantile → √(p(1 − p)/n) / φ(Φ⁻¹(p))."""
    values = np.random.default_rng(21).standard_normal(200_000)
    expected = np.sqrt(LEVEL * (1 - LEVEL) / values.size) / stats.norm.pdf(stats.norm.ppf(LEVEL))
    assert slopes.quantile_mc_se(values, LEVEL) == pytest.approx(expected, rel=0.1)


def test_sup_t_mc_se_is_the_spread_of_the_critical_value_over_seeds():
    """The reported Monte Carlo SE matches the SD of the sup-t value over 300 seeds (±20 %, the
    SD of 300 draws being itself within ±8 % at 2 SE)."""
    z = np.linspace(-2.5, 3.0, 51)
    results = np.array(
        [
            slopes.sup_t_critical(
                COVARIANCE, np.inf, z, LEVEL, 4000, np.random.default_rng(np.random.SeedSequence(s))
            )
            for s in range(300)
        ]
    )
    assert results[:, 1].mean() == pytest.approx(results[:, 0].std(ddof=1), rel=0.2)


def test_default_draws_hold_the_sup_t_monte_carlo_error_near_0_004():
    """The default draws (config.yaml, the schema and BandSettings agree) give the sup-t value a
    Monte Carlo SE below 0.006 (10,000 draws gave about 0.018)."""
    from test_config_defaults import CONFIG

    draws = CONFIG["models"]["johnson_neyman"]["draws"]
    assert draws == slopes.BandSettings().draws
    z = np.linspace(-2.5, 3.0, 201)
    rng = np.random.default_rng(np.random.SeedSequence(4))
    assert slopes.sup_t_critical(COVARIANCE, np.inf, z, LEVEL, draws, rng)[1] < 0.006


def test_mc_se_column_is_given_for_sup_t_only():
    """critical_value_mc_se: positive for the simulated sup-t rows, NA for the closed forms."""
    table = bands_table()
    simulated = table["method"] == "sup_t"
    assert (table.loc[simulated, "critical_value_mc_se"] > 0).all()
    assert table.loc[~simulated, "critical_value_mc_se"].isna().all()


def test_esarey_sumner_reproduces_their_published_example():
    """interactionTest's fdrInteraction example (Clark & Golder 2006 data, established
    democracies of the 1990s): 4.233986 at level 0.90 with 30 df. The slope's coefficients and
    covariance are those of that example's lm fit."""
    b1, b3 = -0.70311010098697591, 0.62516968423344499
    v11, v13, v33 = 0.45839527386776396, -0.16498889647691603, 0.1158254168255399
    magnitude = np.arange(1, 501) / 100
    estimates = b1 + b3 * magnitude
    std_errors = np.sqrt(v11 + magnitude**2 * v33 + 2 * magnitude * v13)
    critical = slopes.esarey_sumner_critical(estimates, std_errors, 30, 0.90)
    assert critical == pytest.approx(4.233986, abs=5e-7)


CASES = {
    "mixed": (np.linspace(-0.5, 0.3, 201), np.full(201, 0.12), 1064.86, 0.95),
    "none significant": (np.linspace(-0.1, 0.1, 50), np.full(50, 0.2), np.inf, 0.95),
    "all significant": (np.linspace(1.0, 2.0, 30), np.full(30, 0.05), 40.0, 0.9),
    "random": (
        np.random.default_rng(5).normal(0, 0.3, 101),
        np.random.default_rng(6).uniform(0.05, 0.2, 101),
        25.0,
        0.95,
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_esarey_sumner_matches_the_r_rule(case, tmp_path):
    """The same critical value as the R restatement of fdrInteraction (tests/r/esarey_sumner.R)."""
    estimates, std_errors, df, level = CASES[case]
    path = tmp_path / "slopes.csv"
    pd.DataFrame({"estimate": estimates, "std_error": std_errors}).to_csv(path, index=False)
    result = subprocess.run(
        [rscript_or_skip(), str(R_DIR / "esarey_sumner.R"), str(path), str(df), str(level)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    expected = float(result.stdout)
    assert slopes.esarey_sumner_critical(estimates, std_errors, df, level) == pytest.approx(
        expected, rel=1e-10
    )


def test_esarey_sumner_limits_are_bonferroni_and_pointwise():
    """No test passes: k = 1, the Bonferroni value; every test passes: k = n, the pointwise one."""
    none = slopes.esarey_sumner_critical(np.zeros(40), np.ones(40), np.inf, LEVEL)
    assert none == pytest.approx(stats.norm.isf(0.05 / 80), rel=1e-10)
    every = slopes.esarey_sumner_critical(np.full(40, 10.0), np.ones(40), np.inf, LEVEL)
    assert every == pytest.approx(stats.norm.isf(0.025), rel=1e-10)


def bands_table(fits=None, seed=(1, 2), observed=OBSERVED) -> pd.DataFrame:
    """The Johnson–Neyman table with every method."""
    fits = fits or [fake_fit(*PARAMS)]
    return slopes.johnson_neyman(fits, observed, SCALE, LEVEL, slopes.BandSettings(seed=seed))


def test_every_boundary_solves_the_johnson_neyman_equation():
    """At each finite edge that is not an end of the observed range: |b1 + b3 z| = c·se(z)."""
    table = bands_table()
    assert list(table["method"].unique()) == ["pointwise", *slopes.BANDS]
    b1, b3, v11, v13, v33 = PARAMS
    ends = SCALE.scaled(np.array([OBSERVED.min(), OBSERVED.max()]))
    for row in table.itertuples():
        z = row.modifier_scaled_to
        if np.isfinite(z) and not np.isclose(z, ends).any():
            se = np.sqrt(v11 + 2 * z * v13 + z**2 * v33)
            assert abs(b1 + b3 * z) == pytest.approx(row.critical_value * se, rel=1e-9)
    assert table.groupby("method")["significant"].any().all()


def test_pointwise_rows_are_unchanged_and_come_first():
    """The pointwise rows equal the table without bands; whole-line methods span ±∞ and the
    observed-range methods exactly the observed range; each method's shares sum to 1."""
    table = bands_table()
    alone = slopes.johnson_neyman([fake_fit(*PARAMS)], OBSERVED, SCALE, LEVEL)
    pd.testing.assert_frame_equal(table.iloc[: len(alone)], alone)
    for method, rows in table.groupby("method"):
        first, last = rows["modifier_from"].iloc[0], rows["modifier_to"].iloc[-1]
        if method in slopes.OBSERVED_RANGE_BANDS:
            assert (first, last) == pytest.approx((OBSERVED.min(), OBSERVED.max()))
        else:
            assert (first, last) == (-np.inf, np.inf)
        assert rows["observed_share"].sum() == pytest.approx(1.0)
        assert (rows["modifier_from"].iloc[1:].to_numpy() == rows["modifier_to"].iloc[:-1]).all()


def test_critical_values_are_ordered_and_reruns_identical():
    """pointwise < sup-t ≤ Scheffé; the same seed gives the same table, another seed another
    sup-t value (over a range narrow enough for sup-t to stay below Scheffé's value)."""
    narrow = np.clip(OBSERVED, 15.0, 29.0)
    table = bands_table(observed=narrow)
    critical = table.groupby("method", sort=False)["critical_value"].first()
    assert critical["pointwise"] < critical["sup_t"] < critical["scheffe"]
    pd.testing.assert_frame_equal(table, bands_table(observed=narrow))
    other = bands_table(seed=(1, 3), observed=narrow).groupby("method")["critical_value"].first()
    assert other["sup_t"] != critical["sup_t"]
    assert other["scheffe"] == critical["scheffe"]


def test_imputations_use_the_pooled_covariance_and_barnard_rubin_df():
    """With several fits, every method uses the pooled (b1, b3), total covariance and the
    product term's df: Scheffé is √(2·F₂,df) at that df."""
    fits = [fake_fit(-0.3 + d, 0.25 - d, 0.01, 0.001, 0.008) for d in (-0.03, 0.0, 0.04)]
    table = bands_table(fits)
    df = table["df"].iloc[0]
    assert np.isfinite(df) and (table["df"] == df).all()
    scheffe = table.loc[table["method"] == "scheffe", "critical_value"].iloc[0]
    assert scheffe == pytest.approx(np.sqrt(2 * stats.f.ppf(LEVEL, 2, df)), rel=1e-10)
    (b1, b3), covariance, _ = slopes.pooled_slope_parameters(fits)
    z = np.linspace(*SCALE.scaled(np.array([OBSERVED.min(), OBSERVED.max()])),
                    slopes.BandSettings().points)  # fmt: skip
    se = np.sqrt(np.einsum("ij,jk,ik->i", np.column_stack([np.ones_like(z), z]), covariance,
                           np.column_stack([np.ones_like(z), z])))  # fmt: skip
    fdr = table.loc[table["method"] == "esarey_sumner", "critical_value"].iloc[0]
    assert fdr == pytest.approx(slopes.esarey_sumner_critical(b1 + b3 * z, se, df, LEVEL))
    assert covariance[1, 1] > np.mean([0.008] * 3)  # between-imputation variance added


@pytest.mark.parametrize("points", [10, 201])
def test_points_set_the_grid_of_esarey_sumner_and_sup_t(points):
    """With a slope of 0 nothing passes Benjamini–Hochberg: Esarey–Sumner is the Bonferroni value
    for `points` tests, z at 1 − α/(2·points); sup-t over those points stays below it."""
    settings = slopes.BandSettings(points=points, draws=20000, seed=(5,))
    table = slopes.johnson_neyman(
        [fake_fit(0.0, 0.0, *PARAMS[2:])], OBSERVED, SCALE, LEVEL, settings
    )
    critical = table.groupby("method", sort=False)["critical_value"].first()
    assert critical["esarey_sumner"] == pytest.approx(stats.norm.isf(0.05 / (2 * points)))
    z = np.linspace(*SCALE.scaled(np.array([OBSERVED.min(), OBSERVED.max()])), points)
    expected = sup_t(COVARIANCE, np.inf, z, draws=20000, seed=5)
    assert critical["sup_t"] == pytest.approx(min(expected, critical["scheffe"]), rel=1e-12)


def test_band_settings_take_the_points_from_the_config():
    """models.johnson_neyman.points reaches the settings; config.yaml's default is the library's."""
    from test_config_defaults import CONFIG

    chosen = CONFIG["models"]["johnson_neyman"]
    assert chosen["points"] == slopes.BandSettings().points
    models = {"johnson_neyman": chosen | {"points": 17}}
    assert slopes.band_settings(models, 1, "primary").points == 17


def test_findings_sentence_names_each_method_and_its_regions():
    """The findings sentence clips the pointwise region to the observed range and says 'at no
    value' for a method that finds none; no sentence without whole-sample rows."""
    from figure_tables import regions_table
    from interplay.report.findings import johnson_neyman_sentence
    from test_figures import DEFAULT_PAIR

    regions = regions_table().assign(stratum="all")
    regions.loc[regions["method"] == "sup_t", "significant"] = False
    text = johnson_neyman_sentence(regions, DEFAULT_PAIR, 0.95)
    assert text == (
        "The IL-1β odds ratio differed from 1 for BDNF 7.5–20.0 ng/mL (38% of patients) under "
        "pointwise 95%; at no BDNF value under simultaneous 95% (sup-t) (Johnson–Neyman regions)."
    )
    assert johnson_neyman_sentence(regions.iloc[:0], DEFAULT_PAIR, 0.95) is None
