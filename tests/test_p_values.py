"""p-values for every interval row: against R's boot.ci inverted by bisection, closed forms, a
hand t computation, the interval at every level, and the "p-value or not_defined" invariant."""

from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import run_r_script
from interplay.bootstrap import intervals as bi
from interplay.bootstrap.tables import SUMMARY_COLUMNS, bootstrap_row, final_tables
from interplay.interaction import measures as ia
from interplay.models import p_values as pv
from interplay.report.methods import p_value_paragraph
from interplay.tables import read_table
from scipy import stats

# boot.ci on a real boot object of the mean, its replicates replaced by ours, inverted over α by
# bisection: the smallest α at which the (1 − α) interval excludes the null.
BOOT_INVERSION = """
if (!requireNamespace("boot", quietly = TRUE)) quit(status = 3)
args <- commandArgs(trailingOnly = TRUE)
x <- read.csv(args[1])$x
t <- read.csv(args[2])$t
nulls <- read.csv(args[3])$null
b <- boot::boot(x, function(d, i) mean(d[i]), R = length(t))
b$t[, 1] <- t
L <- x - mean(x)
excludes <- function(alpha, type, null) {
  ci <- suppressWarnings(boot::boot.ci(b, conf = 1 - alpha, type = type, L = L))
  limits <- if (type == "perc") ci$percent[4:5] else ci$bca[4:5]
  limits[1] > null || limits[2] < null
}
invert <- function(type, null) {
  if (!excludes(1 - 1e-12, type, null)) return(1)
  if (excludes(1e-8, type, null)) return(0)
  low <- 1e-8; high <- 1 - 1e-12
  for (step in 1:60) {
    middle <- (low + high) / 2
    if (excludes(middle, type, null)) high <- middle else low <- middle
  }
  high
}
out <- data.frame(null = nulls,
                  perc = sapply(nulls, function(v) invert("perc", v)),
                  bca = sapply(nulls, function(v) invert("bca", v)))
write.csv(out, args[4], row.names = FALSE)
"""


def boot_inversion_in_r(tmp_path: Path, x: np.ndarray, t: np.ndarray, nulls) -> pd.DataFrame:
    """R's boot.ci percentile and BCa p-values by bisection over the level."""
    script = tmp_path / "invert.R"
    script.write_text(BOOT_INVERSION)
    paths = [tmp_path / name for name in ("x.csv", "t.csv", "nulls.csv", "out.csv")]
    pd.DataFrame({"x": x}).to_csv(paths[0], index=False, float_format="%.17g")
    pd.DataFrame({"t": t}).to_csv(paths[1], index=False, float_format="%.17g")
    pd.DataFrame({"null": nulls}).to_csv(paths[2], index=False, float_format="%.17g")
    run_r_script(script, paths, "boot")
    return pd.read_csv(paths[3])


def test_percentile_and_bca_p_values_match_r_boot_ci_inverted(tmp_path):
    rng = np.random.default_rng(16)
    x = rng.lognormal(0.0, 0.8, 60)  # skewed data: BCa's z0 and acceleration are not 0
    t = np.array([rng.choice(x, len(x)).mean() for _ in range(499)])
    estimate = x.mean()
    nulls = [*np.quantile(t, [0.003, 0.02, 0.1, 0.3, 0.5, 0.8, 0.97]), t.min() - 1, estimate]
    reference = boot_inversion_in_r(tmp_path, x, t, nulls)
    accel = bi.acceleration(x - estimate)
    ours_perc = [bi.percentile_p_value(t, null) for null in reference["null"]]
    ours_bca = [bi.bca_p_value(t, estimate, accel, null) for null in reference["null"]]
    floor = 2 / (len(t) + 1)  # 499 replicates resolve p down to 2/500
    np.testing.assert_allclose(ours_perc, np.maximum(reference["perc"], floor), atol=1e-9)
    np.testing.assert_allclose(ours_bca, np.maximum(reference["bca"], floor), atol=1e-9)
    assert reference["perc"].iloc[-2] == 0  # the null below every replicate: excluded at any level
    assert ours_perc[-2] == ours_bca[-2] == floor


def random_case(rng: np.random.Generator) -> tuple[np.ndarray, float, float, float]:
    """Replicates (possibly skewed, with ties), the estimate, an acceleration and a null."""
    r = int(rng.choice([19, 99, 199, 999]))
    values = rng.gamma(rng.uniform(0.5, 5), size=r)
    if rng.uniform() < 0.3:
        values = np.round(values, 1)  # ties
    estimate = float(np.quantile(values, rng.uniform(0.2, 0.8)))
    null = float(np.quantile(values, rng.uniform(0, 1)) + rng.normal(0, 0.05))
    return values, estimate, float(rng.uniform(-0.15, 0.15)), null


def excludes(interval: np.ndarray, null: float) -> bool:
    """Whether an interval leaves the null out."""
    return bool(interval[0] > null or interval[1] < null)


@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_bootstrap_p_value_agrees_with_its_interval_at_every_level(method):
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(300):
        values, estimate, accel, null = random_case(rng)
        if method == "percentile":
            p = bi.percentile_p_value(values, null)
        else:
            p = bi.bca_p_value(values, estimate, accel, null)
        for level in [0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99]:
            # the p-value resolves only down to 2/(R + 1); at equality p = α is not p < α
            if 1 - level < 2 / (len(values) + 1) or abs(p - (1 - level)) < 1e-9:
                continue
            interval = (
                bi.percentile_interval(values, level)
                if method == "percentile"
                else bi.bca_interval(values, estimate, accel, level)
            )
            assert (p < 1 - level) == excludes(interval, null), (p, level, interval, null)
            checked += 1
    assert checked > 1700


def test_percentile_p_value_of_untied_replicates_is_the_interpolated_tail_share():
    # 99 replicates 1..99: the null 10.5 sits halfway (on the normal scale) between the 10th and
    # 11th order statistics, so q = Φ(midpoint of Φ⁻¹(10/100) and Φ⁻¹(11/100)).
    values = np.arange(1.0, 100.0)
    expected_q = stats.norm.cdf(stats.norm.ppf([0.10, 0.11]).mean())
    assert bi.percentile_p_value(values, 10.5) == pytest.approx(2 * expected_q, abs=1e-12)
    assert bi.percentile_p_value(values, 50.0) == pytest.approx(1.0)
    assert bi.percentile_p_value(values, 200.0) == 2 / 100  # beyond every replicate: 2/(R + 1)


@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_a_null_beyond_every_replicate_gets_the_resolution_of_r_replicates(method):
    """Inversion alone gives p = 0 there; R replicates resolve p only to 2/(R + 1) (Davison &
    Hinkley 1997, eq. 4.11, two-sided), and left-out replicates do not count."""
    values = np.append(np.random.default_rng(3).normal(size=199), np.nan)
    for null in (-10.0, 10.0):
        p = (
            bi.percentile_p_value(values, null)
            if method == "percentile"
            else bi.bca_p_value(values, 0.0, 0.05, null)
        )
        assert p == 2 / 200


def test_boot_mi_p_value_is_the_hand_t_test():
    result = bi.BootMI(estimate=0.42, variance=0.04, df=37.5, ci_low=np.nan, ci_high=np.nan)
    hand = 2 * stats.t.sf(abs(0.42 - 0.1) / 0.2, 37.5)
    assert bi.boot_mi_p_value(result, 0.1) == pytest.approx(hand, rel=1e-12)
    assert np.isnan(bi.boot_mi_p_value(result, None))


def test_boot_mi_p_value_agrees_with_its_interval():
    rng = np.random.default_rng(3)
    for _ in range(50):
        estimates = rng.normal(rng.normal(0, 0.3), 0.2, size=(40, 5)) + rng.normal(0, 0.1, (40, 1))
        result = bi.boot_mi_interval(estimates, 0.95)
        p = bi.boot_mi_p_value(result, 0.0)
        assert (p < 0.05) == excludes(np.array([result.ci_low, result.ci_high]), 0.0)


def test_mover_of_a_sum_of_independent_normals_is_the_wald_test():
    # MOVER with symmetric Wald limits and zero correlation gives θ1 + θ2 ± z √(v1 + v2).
    matrix = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    measure = ia.MoverMeasure(
        "sum", partial(ia.linear_terms, matrix), np.array([1.0, 1.0]), 0, False, False
    )
    theta = np.array([[0.3, -0.1, 5.0]])
    covariance = np.diag([0.01, 0.02, 1.0])[None]
    wald = 2 * stats.norm.sf(0.2 / np.sqrt(0.03))
    p = ia.mover_p_value(measure, theta, covariance, np.inf)
    assert p == pytest.approx(wald, rel=1e-9)


def test_mover_p_values_invert_the_mover_intervals():
    rng = np.random.default_rng(5)
    for _ in range(20):
        theta = rng.normal([0.3, 0.5, 1.2], 0.3, size=(5, 3))
        base = rng.normal(size=(3, 3)) * 0.2
        covariances = np.broadcast_to(base @ base.T + 0.02 * np.eye(3), (5, 3, 3))
        table = ia.additive_mover(theta, covariances, 500.0, 0.95)
        for measure, row in zip(ia.MOVER_MEASURES, table.itertuples(), strict=True):
            null = pv.reporting_null(measure.name)
            if not np.isfinite(row.p_value):
                assert not np.isfinite(row.ci_low)  # S undefined
                continue
            assert (row.p_value < 0.05) == excludes(np.array([row.ci_low, row.ci_high]), null)
            if 1e-6 < row.p_value < 1:
                for alpha, outside in [(row.p_value * 0.999, False), (row.p_value * 1.001, True)]:
                    interval = ia.mover_interval(measure, theta, covariances, 500.0, 1 - alpha)
                    assert excludes(np.array(interval[1:]), null) == outside


def test_nulls_by_measure_name():
    assert [pv.reporting_null(m) for m in ["s", "s_rr", "or_11", "ratio_of_odds_ratios"]] == [1] * 4
    assert [pv.reporting_null(m) for m in ["reri", "ap_rr", "ic", "reri_rr", "0"]] == [0] * 5
    assert pv.reporting_null("risk_exposure_low_modifier_low") is None
    assert pv.estimation_null("s", log_scale=True) == 0.0
    assert pv.estimation_null("risk_exposure_high_modifier_low", log_scale=False) is None


def test_p_value_method_names_each_route():
    table = pd.DataFrame(
        {
            "ci_method": ["rubin_t", "mover", "bca", "percentile", "boot_mi_vhb", "delta_wald_z"],
            "p_value": [0.01, 0.02, 0.03, np.nan, 0.05, 0.06],
            "after": 1,
        }
    )
    out = pv.with_p_value_method(table)
    assert list(out.columns) == ["ci_method", "p_value", "p_value_method", "after"]
    assert list(out["p_value_method"]) == [
        "rubin_t", "mover_inversion", "bca_inversion", "not_defined", "boot_mi_t", "delta_wald_z",
    ]  # fmt: skip


def test_bootstrap_rows_copy_the_summary_p_value():
    model_row = pd.Series({"measure": "reri", "estimate": -1.2, "p_value": 0.01, "statistic": 2.0})
    summary_row = pd.Series(
        {
            "ci_method": "bca", "p_value": 0.037, "std_error": 0.5, "df": np.nan,
            "ci_low_reported": -2.0, "ci_high_reported": -0.1, "replicates_used": 200,
            "replicates_failed": 0, "replicates_firth": 0, "replicates_undefined": 0,
        }
    )  # fmt: skip
    row = bootstrap_row(model_row, summary_row, {"estimate": "estimate_reported"})
    assert row["p_value"] == 0.037 and np.isnan(row["statistic"])


def test_joint_rows_carry_the_model_based_and_the_bootstrap_p_value():
    """joint.tsv: the model-based rows keep their Wald p, the bootstrap row gets the summary's p,
    the reference group none; p_value_method says which."""
    joint = pd.DataFrame(
        {
            "stratum": "all", "exposure_level": ["low", "high"], "modifier_level": "low",
            "n": 50, "remitters": 20, "non_remitters": 30, "odds_ratio": [1.0, 0.5],
            "ci_low": [np.nan, 0.3], "ci_high": [np.nan, 0.9], "p_value": [np.nan, 0.021],
            "is_reference": [True, False], "status": "ok",
        }
    )  # fmt: skip
    models = pd.DataFrame({"stratum": ["all"], "ci_method": ["wald_z"], "p_value": [0.5]})
    summary = pd.DataFrame(
        [["joint", "joint", "exposure_high_modifier_low", "percentile", "log", -0.69, 0.3, np.nan,
          -1.2, -0.1, 0.0, 0.0, 0.013, 0.0, 0.0, 200, 200, 0, 0, 0]],
        columns=SUMMARY_COLUMNS,
    )  # fmt: skip
    empty = pd.DataFrame({"stratum": ["all"]})
    bases = {"models": models, "joint": joint, "interaction": empty, "slopes": empty}
    table = final_tables(bases, summary)["joint"]
    assert table["p_value"].tolist()[1:] == [0.021, 0.013] and np.isnan(table["p_value"][0])
    assert table["p_value_method"].tolist() == [pv.NOT_DEFINED, "wald_z", "percentile_inversion"]


def assert_every_p_value_explained(table: pd.DataFrame) -> None:
    """Every row has a p-value or says not_defined, and only NA p-values say so."""
    missing = table["p_value"].isna()
    assert (table.loc[missing, "p_value_method"] == pv.NOT_DEFINED).all()
    assert (table.loc[~missing, "p_value_method"] != pv.NOT_DEFINED).all()
    assert table["p_value_method"].notna().all()


@pytest.mark.workflow
def test_every_row_of_the_default_run_has_a_p_value_or_not_defined(completed_workflow):
    tables = sorted((completed_workflow / "results" / "analyses").glob("*/*.tsv"))
    checked = [
        path
        for path in tables
        if path.name in {"models.tsv", "joint.tsv", "interaction.tsv", "slopes.tsv"}
    ]
    assert checked
    for path in checked:
        assert_every_p_value_explained(read_table(path))
    primary = read_table(completed_workflow / "results/analyses/primary/interaction.tsv")
    risks = primary["measure"].str.startswith("risk_")
    assert (primary.loc[risks, "p_value_method"] == pv.NOT_DEFINED).all()
    assert primary.loc[~risks, "p_value"].notna().all()


def test_the_methods_text_states_the_floor_only_with_percentile_or_bca_rows():
    floor = "floored at 2/(B + 1)"
    assert floor in p_value_paragraph({"complete_case": ["percentile", "bca"], "primary": []})
    assert floor not in p_value_paragraph({"primary": ["boot_mi_vhb"]})
