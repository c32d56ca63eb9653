"""Calibration of the inverted p-values by simulation with a known truth (not a test).

    python benchmarks/p_values.py [--simulations 1000] [--mover-simulations 400]

1. Percentile and BCa bootstrap p-values of the mean of n = 40 log-normal values (σ = 0.8, skewed),
   B = 999 resamples, tested at the true mean: the share of p < 0.05 and p < 0.10 (with its Monte
   Carlo SE), the Kolmogorov–Smirnov distance of p from uniform, and how often p < 0.05 agrees with
   the 95% interval excluding the truth (must be every time).
2. MOVER p-values of RERI, AP and S from a logistic model (statsmodels, n = 1,000) of two binary
   exposures with OR10 = 1.5, OR01 = 2, OR11 = 2.5: no additive interaction (RERI = AP = 0, S = 1),
   beside the delta-method p-values of the same fits.
"""

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

import numpy as np  # noqa: E402
import statsmodels.api as sm  # noqa: E402
from interplay.bootstrap import intervals as bi  # noqa: E402
from interplay.interaction import measures as ia  # noqa: E402
from interplay.models.p_values import reporting_null  # noqa: E402
from scipy import stats  # noqa: E402

SEED = 20261203
LEVELS = (0.05, 0.10)


def calibration_line(name: str, p_values: np.ndarray) -> str:
    """Rejection shares at LEVELS with Monte Carlo SEs, and the KS distance from uniform."""
    p_values = p_values[np.isfinite(p_values)]
    parts = []
    for level in LEVELS:
        share = float(np.mean(p_values < level))
        se = np.sqrt(level * (1 - level) / len(p_values))
        parts.append(f"p<{level:.2f}: {share:.3f} (nominal {level:.2f} ± {se:.3f})")
    ks = stats.kstest(p_values, "uniform").statistic
    return f"{name:<24} {' | '.join(parts)} | KS {ks:.3f} | n {len(p_values)}"


def bootstrap_calibration(simulations: int, rng: np.random.Generator) -> None:
    """Percentile and BCa p-values of a skewed mean at its true value."""
    sigma, n, replicates = 0.8, 40, 999
    truth = np.exp(sigma**2 / 2)
    found = {"percentile": [], "bca": []}
    agree = 0
    for _ in range(simulations):
        x = rng.lognormal(0.0, sigma, n)
        t = x[rng.integers(0, n, (replicates, n))].mean(axis=1)
        accel = bi.acceleration(x - x.mean())
        p_perc = bi.percentile_p_value(t, truth)
        p_bca = bi.bca_p_value(t, x.mean(), accel, truth)
        found["percentile"].append(p_perc)
        found["bca"].append(p_bca)
        for p, interval in [
            (p_perc, bi.percentile_interval(t, 0.95)),
            (p_bca, bi.bca_interval(t, x.mean(), accel, 0.95)),
        ]:
            agree += (p < 0.05) == bool(interval[0] > truth or interval[1] < truth)
    print(f"1. Bootstrap mean of log-normal data (n {n}, B {replicates}), null = truth")
    for name, values in found.items():
        print("   " + calibration_line(name, np.array(values)))
    print(f"   p < 0.05 agrees with the 95% interval: {agree} of {2 * simulations}")


def mover_calibration(simulations: int, rng: np.random.Generator) -> None:
    """MOVER and delta p-values of RERI, AP and S when there is no additive interaction."""
    n = 1000
    beta_a, beta_b = np.log(1.5), np.log(2.0)
    beta_ab = np.log(2.5) - beta_a - beta_b  # OR11 = OR10 + OR01 − 1
    contrasts = ia.joint_contrasts((0, 0))
    found = {f"{m} {method}": [] for m in ("reri", "ap", "s") for method in ("mover", "delta")}
    for _ in range(simulations):
        a, b = rng.integers(0, 2, (2, n))
        z = rng.normal(size=n)
        logit = -0.8 + beta_a * a + beta_b * b + beta_ab * a * b + 0.5 * z
        y = rng.uniform(size=n) < 1 / (1 + np.exp(-logit))
        design = np.column_stack([np.ones(n), a, b, a * b, z])
        fit = sm.Logit(y.astype(float), design).fit(disp=0)
        block = [1, 2, 3]
        theta, cov = ia.transform(
            fit.params[block][None],
            np.asarray(fit.cov_params())[np.ix_(block, block)][None],
            contrasts,
        )
        mover = ia.additive_mover(theta, cov, np.inf, 0.95)
        delta = ia.additive_delta(theta, cov, np.inf, 0.95)
        for name, row_m, row_d in zip(
            ["reri", "ap", "s"], mover.itertuples(), delta.itertuples(), strict=True
        ):
            found[f"{name} mover"].append(row_m.p_value)
            found[f"{name} delta"].append(row_d.p_value)
    nulls = {m: reporting_null(m) for m in ("reri", "ap", "s")}
    print(f"2. MOVER vs delta method, logistic n {n}, no additive interaction (nulls {nulls})")
    for name, values in found.items():
        print("   " + calibration_line(name, np.array(values)))


def main() -> None:
    """Run both calibrations and print their lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulations", type=int, default=1000)
    parser.add_argument("--mover-simulations", type=int, default=400)
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    bootstrap_calibration(args.simulations, rng)
    mover_calibration(args.mover_simulations, rng)


if __name__ == "__main__":
    main()
