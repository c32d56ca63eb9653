"""Bootstrap intervals against R's boot, hand-worked ANOVA numbers and simulation; shard layout."""

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, run_r_script
from interplay.bootstrap import intervals as bi
from interplay.bootstrap import methods as registry
from interplay.bootstrap import replicates as bs
from interplay.bootstrap import tables as bt
from interplay.jobs.config_checks import load_schema
from interplay.labels import CI_METHODS
from interplay.models import p_values as pv
from interplay.report.findings import BOOTSTRAP_PREFERENCE
from interplay.report.methods import bootstrap_paragraph
from scipy import stats

BOOT_REFERENCE = """
if (!requireNamespace("boot", quietly = TRUE)) quit(status = 3)
args <- commandArgs(trailingOnly = TRUE)
data <- split(read.csv(args[1])$t, read.csv(args[1])$column)
influence <- read.csv(args[2])$L
t0 <- as.numeric(readLines(args[3]))
rows <- list()
for (column in names(data)) {
  t <- data[[column]]
  for (conf in c(0.9, 0.95)) {
    perc <- boot:::perc.ci(t, conf)
    bca <- boot:::bca.ci(NULL, conf, t0 = t0, t = t, L = influence)
    rows[[length(rows) + 1]] <- data.frame(
      column = column, conf = conf, perc_low = perc[4], perc_high = perc[5],
      bca_low = bca[4], bca_high = bca[5]
    )
  }
}
write.csv(do.call(rbind, rows), args[4], row.names = FALSE)
"""


def run_boot_reference(tmp_path, replicates: dict, influence, estimate) -> pd.DataFrame:
    """boot's perc.ci and bca.ci of each column; skip without R or boot unless CI requires R."""
    script = tmp_path / "boot_reference.R"
    script.write_text(BOOT_REFERENCE)
    long = pd.concat([pd.DataFrame({"column": k, "t": v}) for k, v in replicates.items()])
    long.to_csv(tmp_path / "t.csv", index=False, float_format="%.17g")
    pd.DataFrame({"L": influence}).to_csv(tmp_path / "L.csv", index=False, float_format="%.17g")
    (tmp_path / "t0.txt").write_text(f"{estimate:.17g}\n")
    paths = [tmp_path / name for name in ("t.csv", "L.csv", "t0.txt", "out.csv")]
    run_r_script(script, paths, "boot", timeout=120)
    return pd.read_csv(paths[3])


def test_percentile_and_bca_match_r_boot(tmp_path):
    rng = np.random.default_rng(11)
    influence = rng.gamma(2.0, size=80) - 2.0  # skewed, so the acceleration is not zero
    replicates = {
        "skewed": np.exp(rng.normal(0.1, 0.4, 999)),
        "symmetric": rng.normal(size=2000),
        "few": rng.normal(0.3, 1, 39),
    }
    estimate = 1.05
    reference = run_boot_reference(tmp_path, replicates, influence, estimate)
    accel = bi.acceleration(influence)
    for row in reference.itertuples():
        values = replicates[row.column]
        np.testing.assert_allclose(
            bi.percentile_interval(values, row.conf), [row.perc_low, row.perc_high], rtol=1e-12
        )
        np.testing.assert_allclose(
            bi.bca_interval(values, estimate, accel, row.conf),
            [row.bca_low, row.bca_high],
            rtol=1e-12,
        )


def test_bca_without_bias_or_acceleration_is_the_percentile_interval():
    values = np.exp(np.random.default_rng(2).normal(size=2000))
    median = np.median(values)  # exactly 1,000 of 2,000 replicates below: z0 = 0
    np.testing.assert_allclose(
        bi.bca_interval(values, median, 0.0, 0.95), bi.percentile_interval(values, 0.95)
    )


def test_non_finite_replicates_are_left_out():
    values = np.arange(1.0, 100.0)
    with_gaps = np.concatenate([values, [np.nan, np.inf]])
    np.testing.assert_array_equal(
        bi.percentile_interval(with_gaps, 0.9), bi.percentile_interval(values, 0.9)
    )
    # (R + 1)α = 5 and 95 are whole order statistics, no interpolation
    np.testing.assert_array_equal(bi.percentile_interval(values, 0.9), [5.0, 95.0])


@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_an_undefined_full_sample_estimate_has_no_bootstrap_interval_or_p(method):
    """The replicates where the measure is defined do not estimate an undefined measure: the
    interval and p-value are NaN, though the replicates alone would give finite ones."""
    values = np.random.default_rng(4).normal(size=199)
    interval, p_value = bt.complete_interval(method, values, np.nan, 0.01, 0.95, 0.0)
    assert np.isnan(interval).all() and np.isnan(p_value)
    interval, p_value = bt.complete_interval(method, values, 0.0, 0.01, 0.95, 0.0)
    assert np.isfinite(interval).all() and 0 < p_value <= 1


@pytest.mark.parametrize("method", ["percentile", "boot_mi_vhb"])
def test_a_bootstrap_row_under_an_undefined_model_based_estimate_is_blank(method):
    """S undefined in the full sample (NaN): its bootstrap rows get no interval and p_value_method
    not_defined, whatever the resamples where S is defined say."""
    base = pd.DataFrame(
        {
            "measure": ["s", "reri"], "scale": "additive", "estimate": [np.nan, -1.2],
            "ci_low": [np.nan, -2.1], "ci_high": [np.nan, -0.3], "ci_method": "delta_wald_z",
            "p_value": [np.nan, 0.01],
        }
    )  # fmt: skip
    summary = pd.DataFrame(
        [
            ["interaction", "additive", measure, method, scale, -1.0, 0.5, np.nan, -2.0, -0.1,
             0.0, 0.0, 0.03, 0.0, 0.0, 200, 171, 0, 0, 29]
            for measure, scale in [("s", "log"), ("reri", "identity")]
        ],
        columns=bt.SUMMARY_COLUMNS,
    )  # fmt: skip
    table = pv.with_p_value_method(bt.with_bootstrap_rows("interaction", base, summary))
    s, reri = table.iloc[1], table.iloc[3]
    assert s["ci_method"] == method and np.isnan([s["ci_low"], s["ci_high"], s["p_value"]]).all()
    assert s["p_value_method"] == pv.NOT_DEFINED
    assert (reri["ci_low"], reri["p_value"]) == (-2.0, 0.03)
    assert (s["replicates_used"], s["replicates_failed"], s["replicates_undefined"]) == (
        171,
        29,
        29,
    )


def test_boot_mi_matches_the_hand_worked_one_way_anova():
    # B = 3 resamples × M = 2 imputations. Resample means 2, 2, 5, grand mean 3;
    # SSW = 4, MSW = 4/3; SSB = 2·(1 + 1 + 4) = 12, MSB = 6; σ²_b = (6 − 4/3)/2 = 7/3;
    # variance = (1 + 1/3)·7/3 + (4/3)/6 = 10/3; Satterthwaite df = (10/3)² / (8 + 4/27) < 3 → 3.
    result = bi.boot_mi_interval(np.array([[1.0, 3.0], [2.0, 2.0], [4.0, 6.0]]), 0.95)
    assert result.estimate == pytest.approx(3.0)
    assert result.variance == pytest.approx(10 / 3)
    assert result.df == 3
    half = stats.t.ppf(0.975, 3) * np.sqrt(10 / 3)
    assert (result.ci_low, result.ci_high) == pytest.approx((3 - half, 3 + half))


def test_boot_mi_pools_all_variance_when_between_resample_variance_is_negative():
    # Resample means equal (MSB = 0 < MSW): σ²_b = 0 and σ²_w = (SSW + SSB)/(BM − 1) = 4/5.
    result = bi.boot_mi_interval(np.array([[0.0, 2.0], [2.0, 0.0], [1.0, 1.0]]), 0.95)
    assert result.variance == pytest.approx((4 / 5) / 6)


def test_boot_mi_interval_covers_at_the_nominal_rate_under_its_model():
    # Estimates θ̂ ~ N(θ, σ²_b) of data sets, resample-and-impute estimates θ̂ + u_b + e_bm:
    # the interval targets θ with variance σ²_b (1 + 1/B) + σ²_w/(BM) (von Hippel & Bartlett).
    # Imputation noise σ_w = σ_b / 2, more than in our cohort (FMI ≈ 3 %); Satterthwaite's df
    # for a difference of mean squares under-covers when σ_w dominates (≈ 93 % at σ_w = 2 σ_b).
    rng = np.random.default_rng(4)
    simulations, b, m = 4000, 50, 2
    hits = 0
    for _ in range(simulations):
        estimate = rng.normal(0, 1.0)
        table = estimate + rng.normal(0, 1.0, (b, 1)) + rng.normal(0, 0.5, (b, m))
        result = bi.boot_mi_interval(table, 0.95)
        hits += result.ci_low <= 0 <= result.ci_high
    assert 0.94 <= hits / simulations <= 0.96


@pytest.mark.parametrize("shards", [1, 2, 3, 7, 20])
def test_shards_cover_every_replicate_once_in_whole_chunks(shards):
    total, size = 103, 10
    parts = [bs.shard_replicates(total, shards, s, size) for s in range(shards)]
    assert [r for part in parts for r in part] == list(range(total))
    edges = {part.start for part in parts if len(part)} | {part.stop for part in parts}
    assert all(edge % size == 0 or edge == total for edge in edges)


def test_chunks_split_at_global_multiples():
    assert bs.chunks(range(7, 31), 10) == [
        range(7, 10),
        range(10, 20),
        range(20, 30),
        range(30, 31),
    ]


# --- the registry of interval methods ---------------------------------------------------------


def test_the_schema_offers_and_defaults_to_exactly_the_registered_methods():
    schema = load_schema(REPO / "workflow" / "schemas" / "config.schema.yaml")
    methods = schema["properties"]["bootstrap"]["properties"]["methods"]
    assert methods["items"]["enum"] == list(registry.METHODS)
    assert methods["default"] == list(registry.METHODS)


def test_every_registered_method_has_a_label_and_a_place_in_the_findings():
    assert set(registry.METHODS) <= set(CI_METHODS)
    assert sorted(BOOTSTRAP_PREFERENCE) == sorted(registry.METHODS)


@pytest.mark.parametrize(
    ("imputes", "expected"), [(False, ["bca", "percentile"]), (True, ["boot_mi_vhb"])]
)
def test_an_analysis_gets_the_requested_methods_of_its_kind_in_request_order(imputes, expected):
    assert registry.applicable_methods(["bca", "boot_mi_vhb", "percentile"], imputes) == expected
    assert registry.applicable_methods([], imputes) == []


def test_the_methods_text_says_undefined_resamples_are_left_out_and_counted():
    settings = {"replicates": 2000, "mi_replicates": 200, "mi_imputations_per_replicate": 2}
    text = bootstrap_paragraph({**settings, "firth_fallback": False}, {"primary": ["boot_mi_vhb"]})
    assert "in which a measure was undefined" in text and "left out" in text
    assert "counted" in text and "undefined in the full sample got no bootstrap interval" in text
