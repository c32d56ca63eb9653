"""Size and power of the surface test (linear against smooth interaction), simulated (not a test).

    python benchmarks/surface.py [--repetitions 200] [--output surface.tsv]

Each repetition simulates n = 1,086 patients with the synthetic cohort's biomarker distributions
(log-normal IL-1β, normal BDNF) and two covariates (age, sex), an outcome from one of three true
surfaces, and runs the workflow's surface test (natural splines of `df` per variable with their
tensor product against the linear interaction; likelihood-ratio χ²). Truths:
  linear     — the linear interaction on exposure_scaled × modifier_scaled: the null (size);
  median     — the synthetic cohort's 2 × 2 truth: IL-1β OR 0.45 above vs below its median
               within low BDNF, 1.0 within high BDNF (a step at both medians);
  threshold  — remission 1.5 lower on the logit scale only where IL-1β > 1 pg/mL and BDNF <
               18 ng/mL (a corner holding about an eighth of the patients).
Prints the rejection rate at the 5 % level with its Monte Carlo SE for df 3 and 4.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from interplay.interaction import surface  # noqa: E402
from interplay.synthetic.truth import BDNF_MEAN, BDNF_SD, IL1B_LOG_SD, IL1B_MEDIAN  # noqa: E402
from scipy.special import expit  # noqa: E402

N = 1086
SEED = 1604
ALPHA = 0.05
SPLINE_DF = (3, 4)
COVARIATES = ["age", "sex"]
TRUTHS = ("linear", "median", "threshold")
LOG_OR_LOW = float(np.log(0.45))


def true_logit(data: pd.DataFrame, truth: str) -> np.ndarray:
    """The linear predictor of the outcome under a named true surface (covariates included)."""
    il1b, bdnf = data["exposure"].to_numpy(), data["modifier"].to_numpy()
    base = -0.2 + 0.018 * (data["age"].to_numpy() - 57) - 0.05 * (data["sex"] == "male")
    if truth == "linear":
        x, z = data["exposure_scaled"].to_numpy(), data["modifier_scaled"].to_numpy()
        return base - 0.2 * x + 0.2 * z + 0.15 * x * z
    if truth == "median":
        high_il1b, high_bdnf = il1b > IL1B_MEDIAN, bdnf > BDNF_MEAN
        return base + LOG_OR_LOW * high_il1b + 0.1 * high_bdnf - LOG_OR_LOW * high_il1b * high_bdnf
    return base + np.where((il1b > 1.0) & (bdnf < 18.0), -1.5, 0.0)


def simulate(rng: np.random.Generator, truth: str) -> pd.DataFrame:
    """A cohort of N with the analysis dataset's pair columns and an outcome from the truth."""
    il1b = np.exp(np.log(IL1B_MEDIAN) + IL1B_LOG_SD * rng.standard_normal(N))
    bdnf = np.maximum(BDNF_MEAN + BDNF_SD * rng.standard_normal(N), 0.5)
    data = pd.DataFrame(
        {
            "age": np.round(rng.normal(57, 15, N)),
            "sex": np.where(rng.uniform(size=N) < 0.314, "male", "female"),
            "exposure": il1b,
            "modifier": bdnf,
            "exposure_scaled": np.log2(il1b),
            "modifier_scaled": (bdnf - bdnf.mean()) / bdnf.std(ddof=1),
        }
    )
    data["outcome"] = (rng.uniform(size=N) < expit(true_logit(data, truth))).astype(float)
    return data


def p_value(data: pd.DataFrame, df: int) -> float:
    """The surface test's p-value in one simulated data set."""
    basis = surface.surface_basis(data, df)
    fits = surface.fit_surface_models([data], basis, COVARIATES)
    return float(surface.surface_test(fits, df)["p_value"].iloc[0])


def main() -> None:
    """Simulate, test and print the rejection rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--output", type=Path, default=None)
    arguments = parser.parse_args()
    started = time.perf_counter()
    rows = []
    for t, truth in enumerate(TRUTHS):
        for repetition in range(arguments.repetitions):
            rng = np.random.default_rng(np.random.SeedSequence([SEED, t, repetition]))
            data = simulate(rng, truth)
            for df in SPLINE_DF:
                rows.append({"truth": truth, "df": df, "p_value": p_value(data, df)})
    results = pd.DataFrame(rows)
    if arguments.output:
        results.to_csv(arguments.output, sep="\t", index=False)
    summary = results.groupby(["truth", "df"], sort=False)["p_value"].agg(
        rejection=lambda p: np.mean(p < ALPHA), failed=lambda p: int(p.isna().sum())
    )
    summary["mc_se"] = np.sqrt(
        summary["rejection"] * (1 - summary["rejection"]) / arguments.repetitions
    )
    print(f"n = {N}, {arguments.repetitions} repetitions, rejection at the {ALPHA:.0%} level")
    print(summary.round(3).to_string())
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
