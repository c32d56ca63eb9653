"""interplay.models.distributions gives scipy.stats' values bit for bit, on the callers' domain."""

import numpy as np
import pytest
from interplay.models import distributions as dist
from scipy import stats

RNG = np.random.default_rng(20250304)
# Statistics: normal and heavy-tailed values, signed zeros, infinities, the smallest and largest.
X = np.concatenate(
    [
        RNG.normal(0, 3, 5000),
        RNG.standard_cauchy(2000) * 10,
        [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300, -1e-300, 40.0, -40.0, 1e10],
    ]
)
# Probabilities: uniform, the ends, and the usual confidence levels.
Q = np.concatenate([RNG.uniform(0, 1, 5000), [0.0, 1.0, 0.5, 1e-300, 1 - 1e-16, 0.975, 0.995]])
OPEN_Q = Q[(Q > 0) & (Q < 1)]
DFS = [0.7, 1.0, 2.0, 3.0, 5.5, 10.0, 47.3, 100.0, 1e6, *RNG.uniform(0.5, 3000, 8)]


def assert_bitwise_equal(ours: np.ndarray, theirs: np.ndarray) -> None:
    """Equal values (NaN where NaN) with equal signs, zeros included."""
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert np.array_equal(ours, theirs, equal_nan=True)
    assert np.array_equal(np.signbit(ours), np.signbit(theirs))


def test_normal_functions_are_scipy_stats_norm() -> None:
    assert_bitwise_equal(dist.normal_cdf(X), stats.norm.cdf(X))
    assert_bitwise_equal(dist.normal_sf(X), stats.norm.sf(X))
    assert_bitwise_equal(dist.normal_quantile(Q), stats.norm.ppf(Q))


@pytest.mark.parametrize("df", [*DFS, np.inf])
def test_t_functions_are_scipy_stats_t(df: float) -> None:
    assert_bitwise_equal(dist.t_sf(X, df), stats.t.sf(X, df))
    assert_bitwise_equal(dist.t_quantile(OPEN_Q, df), stats.t.ppf(OPEN_Q, df))


def test_t_functions_take_an_array_of_df() -> None:
    dfs = np.array([*DFS, np.inf] * 3)
    assert_bitwise_equal(dist.t_sf(X[: len(dfs)], dfs), stats.t.sf(X[: len(dfs)], dfs))
    q = OPEN_Q[: len(dfs)]
    assert_bitwise_equal(dist.t_quantile(q, dfs), stats.t.ppf(q, dfs))


@pytest.mark.parametrize("df", DFS)
def test_chi2_functions_are_scipy_stats_chi2(df: float) -> None:
    assert_bitwise_equal(dist.chi2_sf(X, df), stats.chi2.sf(X, df))
    assert_bitwise_equal(dist.chi2_quantile(Q, df), stats.chi2.ppf(Q, df))


@pytest.mark.parametrize("dfn", DFS[:9])
def test_f_upper_tail_is_scipy_stats_f(dfn: float) -> None:
    for dfd in DFS:
        assert_bitwise_equal(dist.f_sf(X, dfn, dfd), stats.f.sf(X, dfn, dfd))


def test_scalars_stay_numpy_floats() -> None:
    assert type(dist.t_quantile(0.975, 10.0)) is type(stats.t.ppf(0.975, 10.0))
    assert type(dist.chi2_sf(3.0, 1)) is type(stats.chi2.sf(3.0, 1))
    assert type(dist.normal_sf(1.5)) is type(stats.norm.sf(1.5))
