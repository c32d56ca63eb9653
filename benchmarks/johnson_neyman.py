"""Simultaneous coverage and false discovery proportion of the Johnson–Neyman regions by
simulation with a known slope function (not a test; docs/johnson_neyman.md).

    python benchmarks/johnson_neyman.py [--repetitions 500] [--draws 10000]

Each repetition simulates n = 1,086 patients from a logistic model with a log2 exposure x
(SD 1.5), a standardised modifier z, age, and the product of x with the modifier term m, fits
that model (interplay.models.logistic) and runs slopes.johnson_neyman with every band. Two
scenarios of the true exposure slope b1 + b3·m:
  linear  — m = z, b1 = −0.25, b3 = 0.2: the slope changes sign inside the observed range;
  hinge   — m = max(z, 0), b1 = 0, b3 = 0.35: the slope is exactly 0 for the half of the
            patients whose modifier is at or below its mean, and grows above it;
  linear_mi — linear, with age missing at random (depending on the outcome, about 30 %) and
            m = 5 imputations (interplay.imputation.chained), the fits pooled as the workflow
            pools them (Rubin's rules, Barnard–Rubin df).
Simultaneous coverage: the share of repetitions whose band (estimate ± c·SE) holds the true slope
at every one of 201 modifier values across the observed range. False discovery proportion: the
share of patients in the declared-significant regions whose true slope is 0 (hinge only; 0 when
nothing is declared), averaged over repetitions (the false discovery rate).
"""

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "workflow" / "scripts"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from interplay.imputation.chained import impute_analysis_sets  # noqa: E402
from interplay.interaction import slopes  # noqa: E402
from interplay.models import logistic as models  # noqa: E402
from scipy.special import expit  # noqa: E402

N = 1086
SEED = 16_2
LEVEL = 0.95
TERMS = ["intercept", "exposure_scaled", "modifier_scaled", "exposure_scaled:modifier_scaled"]
# b1, b3, hinge, age missing
SCENARIOS = {
    "linear": (-0.25, 0.2, False, False),
    "hinge": (0.0, 0.35, True, False),
    "linear_mi": (-0.25, 0.2, False, True),
}
IMPUTATIONS = 5
METHODS = [slopes.POINTWISE, *slopes.BANDS]


def simulate(
    rng: np.random.Generator, b1: float, b3: float, hinge: bool, missing: bool
) -> pd.DataFrame:
    """A cohort from the true model; modifier_scaled is the modifier term m of the slope."""
    z = rng.standard_normal(N)
    data = pd.DataFrame(
        {
            "exposure_scaled": rng.normal(-0.7, 1.5, N),
            "modifier_scaled": np.maximum(z, 0.0) if hinge else z,
            "age": rng.normal(57, 15, N),
        }
    )
    x, m = data["exposure_scaled"], data["modifier_scaled"]
    eta = -0.2 + b1 * x + 0.2 * m + b3 * x * m + 0.018 * (data["age"] - 57)
    data["outcome"] = (rng.random(N) < expit(eta)).astype(float)
    data["exposure_high"] = (x > x.median()).astype(float)
    data["modifier_high"] = (m > m.median()).astype(float)
    if missing:
        data.loc[rng.random(N) < expit(-1.4 + 0.9 * data["outcome"]), "age"] = np.nan
    return data


def fits_of(data: pd.DataFrame, index: int) -> list[models.LogisticFit]:
    """The continuous model's fit, or its fits to m imputed data sets when age is missing."""
    terms = [*TERMS, "age"]
    if not data["age"].isna().any():
        return [models.fit_model(data, terms)]
    imputed = impute_analysis_sets(data, ["age"], IMPUTATIONS, 5, [SEED, index])
    return [models.fit_model(d, terms) for d in imputed]


def repetition(index: int, scenario: str, draws: int) -> list[dict]:
    """Coverage and false discovery proportion of every method in one simulated cohort."""
    b1, b3, hinge, missing = SCENARIOS[scenario]
    rng = np.random.default_rng(np.random.SeedSequence([SEED, index]))
    data = simulate(rng, b1, b3, hinge, missing)
    fits = fits_of(data, index)
    observed = data["modifier_scaled"].to_numpy()
    settings = slopes.BandSettings(draws=draws, seed=(SEED, index))
    table = slopes.johnson_neyman(fits, observed, slopes.Scale("none"), LEVEL, settings)
    (e1, e3), covariance, _ = slopes.pooled_slope_parameters(fits)
    grid = np.linspace(observed.min(), observed.max(), slopes.BAND_GRID_POINTS)
    weights, std_errors = slopes.slope_lines(grid, covariance)
    estimates, truth = weights @ np.array([e1, e3]), b1 + b3 * grid
    null_share = float(np.mean(observed == 0.0)) if hinge else 0.0
    rows = []
    for method in METHODS:
        regions = table.loc[table["method"] == method]
        critical = float(regions["critical_value"].iloc[0])
        declared = float(regions.loc[regions["significant"], "observed_share"].sum())
        params = (e1, e3, covariance[0, 0], covariance[0, 1], covariance[1, 1], critical)
        false = null_share * bool(slopes.slope_is_significant(0.0, *params)) if hinge else 0.0
        rows.append(
            {
                "scenario": scenario,
                "method": method,
                "covered": bool(np.all(np.abs(estimates - truth) <= critical * std_errors)),
                "critical_value": critical,
                "declared_share": declared,
                "false_discovery_proportion": false / declared if declared > 0 else 0.0,
            }
        )
    return rows


def main() -> None:
    """Run the repetitions of both scenarios and print the summary table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=500)
    parser.add_argument("--mi-repetitions", type=int, default=200)
    parser.add_argument("--draws", type=int, default=10000)
    options = parser.parse_args()
    counts = {s: options.repetitions for s in SCENARIOS} | {"linear_mi": options.mi_repetitions}
    rows = [
        row
        for scenario in SCENARIOS
        for index in range(counts[scenario])
        for row in repetition(index, scenario, options.draws)
    ]
    summary = (
        pd.DataFrame(rows)
        .groupby(["scenario", "method"], sort=False)
        .agg(
            simultaneous_coverage=("covered", "mean"),
            mean_critical_value=("critical_value", "mean"),
            mean_declared_share=("declared_share", "mean"),
            false_discovery_rate=("false_discovery_proportion", "mean"),
        )
        .reset_index()
    )
    monte_carlo = np.sqrt(LEVEL * (1 - LEVEL) / options.repetitions)
    print(f"{options.repetitions} repetitions ({options.mi_repetitions} with imputation), n = "
          f"{N}; Monte Carlo SE of a 95% coverage ≈ {monte_carlo:.3f}")  # fmt: skip
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":
    main()
